// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Verilated array classes of the executable being built, for the two sources compiled
// once per executable (tb/systolic_array_factory.cpp, bench/raw_loop.cpp; tb/rtl_elsewhere.hpp):
// with WB_CORE_ARRAYS_ONLY those of `waferbench` itself (WB_CORE_ARRAY_SIZES), with
// WB_WITH_ON_DEMAND every size (waferbench-big), otherwise the default sizes (waferbench-all
// and the tests). WB_FOR_EACH_HELD_ARRAY(X) names the dense sizes whose classes are included.
// Include it first: Verilated headers go before anything SystemC.
#if defined(WB_CORE_ARRAYS_ONLY)
#include "wb/core_array_models.hpp"
#include "wb/hw_config.hpp"
#define WB_FOR_EACH_HELD_ARRAY WB_FOR_EACH_CORE_ARRAY
#elif defined(WB_WITH_ON_DEMAND)
#include "wb/array_models.hpp"
#include "wb/on_demand_array_models.hpp"
#include "wb/hw_config.hpp"
#define WB_FOR_EACH_HELD_ARRAY(X) WB_FOR_EACH_ARRAY(X) WB_FOR_EACH_ON_DEMAND_ARRAY(X)
#else
#include "wb/array_models.hpp"
#include "wb/hw_config.hpp"
#define WB_FOR_EACH_HELD_ARRAY WB_FOR_EACH_ARRAY
#endif

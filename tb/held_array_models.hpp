// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Verilated array classes of the executable being built, for the two sources compiled
// twice (tb/systolic_array_factory.cpp, bench/raw_loop.cpp): every configuration, or with
// WB_CORE_ARRAYS_ONLY only those of `waferbench` itself (WB_CORE_ARRAY_SIZES, rtl_elsewhere.hpp).
// WB_FOR_EACH_HELD_ARRAY(X) names the dense sizes whose classes are included. Include it first:
// Verilated headers go before anything SystemC.
#ifdef WB_CORE_ARRAYS_ONLY
#include "wb/core_array_models.hpp"
#include "wb/hw_config.hpp"
#define WB_FOR_EACH_HELD_ARRAY WB_FOR_EACH_CORE_ARRAY
#else
#include "wb/array_models.hpp"
#include "wb/hw_config.hpp"
#define WB_FOR_EACH_HELD_ARRAY WB_FOR_EACH_ARRAY
#endif

// SPDX-License-Identifier: Apache-2.0
// [unit] The roofline of a data-parallel training step (sw/roofline.hpp), against figures
// computed by hand.
#include <catch2/catch.hpp>

#include "sw/mlp.hpp"
#include "sw/roofline.hpp"
#include "sw/training.hpp"

using namespace wb;

TEST_CASE("roofline: min(peak, bandwidth x intensity) and the crossover", "[unit]") {
  const sw::Roofline r{256.0, 20.0};
  CHECK(r.attainable(1) == 20.0);
  CHECK(r.attainable(8) == 160.0);
  CHECK(r.attainable(13) == 256.0);
  CHECK(r.attainable(16) == 256.0);
  CHECK(r.crossover_bandwidth() == 12.8);
  CHECK(r.bandwidth_bound(8));
  CHECK_FALSE(r.bandwidth_bound(16));
  const sw::Roofline idle{256.0, 0.0};  // nothing moves: no intensity, no crossover
  CHECK(idle.attainable(64) == 0.0);
  CHECK(idle.crossover_bandwidth() == 0.0);
}

TEST_CASE("roofline: a training step of mlp:128x128x128, batch 32, 2 steps, one system", "[unit]") {
  // MACs: fc1 forward and dW, fc2 forward, dW and dX: 32 x 128 x 128 x (2 + 3) per step.
  const std::uint64_t macs = 2 * sw::train_step_macs(sw::parse_mlp("mlp:128x128x128"), 32);
  REQUIRE(macs == 5242880);
  // Down: fc1 once (forward), fc2 twice (forward, backward) per step; up: int32 dW of both layers.
  const double down = 2.0 * 3 * 128 * 128, up = 2.0 * 2 * 4 * 128 * 128;
  const sw::Roofline r = sw::training_roofline(macs, 1, down, up, 16 * 16);
  CHECK(r.intensity == 20.0);  // 5242880 MACs / 262144 gradient bytes
  CHECK(r.crossover_bandwidth() == 12.8);
  CHECK(r.attainable(4) == 80.0);
  // The same step over 4 systems: a quarter of the MACs per system, the same bytes per link.
  CHECK(sw::training_roofline(macs, 4, down, up, 256).intensity == 5.0);
  // Weights bound when they outweigh the gradients.
  CHECK(sw::training_roofline(1000, 1, 500, 100, 256).intensity == 2.0);
}

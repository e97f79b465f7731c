// SPDX-License-Identifier: Apache-2.0
#pragma once
// What travels from a streamer to an array transactor: a TLM write whose data are whole edge
// beats (beat_bytes each), plus this extension with their timing.
#include <tlm>

#include <cstdint>

namespace wb::models {

struct BeatStreamExt : tlm::tlm_extension<BeatStreamExt> {
  int beat_bytes = 0;
  std::uint64_t avail_cycle = 0;  // cycle from which the beats are in the array's buffer
  bool last_is_fold_end = false;  // the final beat carries a_last (A stream)
  bool end_of_job = false;        // no data: return once every result of the job is out

  tlm::tlm_extension_base* clone() const override { return new BeatStreamExt(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const BeatStreamExt&>(other);
  }
};

}  // namespace wb::models

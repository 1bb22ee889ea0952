// Work shared out to a few threads: the analyzer parses and lowers files this
// way, and the language server lowers the files an edit changed.
//
// Items are handed out one at a time through an atomic counter rather than in
// fixed slices, because files differ in size by orders of magnitude and a
// slice of large ones would leave the other threads idle. The calling thread
// works too, so one thread means no thread is started.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace databuild {

// Calls work(i) for every i in [0, count), on up to `threads` threads (0: one
// per core), each i exactly once; returns when all calls have returned.
// `work` must be safe to call concurrently for different i.
template <typename Work>
void parallel_for(size_t count, unsigned threads, const Work& work) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, count));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < count;) work(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace databuild

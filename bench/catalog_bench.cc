// databuild-catalog-bench: catalog writes per second on a real file (WAL, as
// `databuild-run` opens it). Each write is what the builder does per job:
// start_run (with its input rows) and publish (superseding the old version
// and ending the run), first as two transactions each, then as the builder
// batches them (one transaction per job: with -j 1 a round of its loop ends
// one job and starts the next). Not a test:
// bench/run_vs_ninja.sh runs it and docs/benchmarks.md records the result.
//
// usage: databuild-catalog-bench DIRECTORY [N]   (N jobs, default 10000)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "catalog.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: databuild-catalog-bench DIRECTORY [N]\n");
    return 2;
  }
  std::string path = std::string(argv[1]) + "/catalog-bench.db";
  std::filesystem::remove(path);
  int count = argc > 2 ? std::atoi(argv[2]) : 10000;
  auto catalog = databuild::Catalog::open(path);
  if (!catalog) {
    std::fprintf(stderr, "%s\n", catalog.error().c_str());
    return 1;
  }
  databuild::NewPartition source;
  source.ref = "src";
  source.dataset = "src";
  source.path = "/data/src";
  source.manifest = "[]";
  source.content_hash = "0";
  auto source_id = (*catalog)->publish({source});
  if (!source_id) {
    std::fprintf(stderr, "%s\n", source_id.error().c_str());
    return 1;
  }
  for (bool batched : {false, true}) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
      if (batched && !(*catalog)->begin_batch()) return 1;
      databuild::NewRun run;
      run.job = "t";
      run.target = "t/n=" + std::to_string(i % 1000);
      run.parameters = "{}";
      run.fingerprint = "f";
      run.inputs = {{"in", "src", source_id->front()}};
      auto id = (*catalog)->start_run(run);
      databuild::NewPartition partition;
      partition.ref = run.target;
      partition.dataset = "t";
      partition.path = "/data/.versions/run-" + std::to_string(i);
      partition.manifest = "[]";
      partition.content_hash = "0";
      auto published =
          id ? (*catalog)->publish({partition}, *id)
             : databuild::Expected<std::vector<int64_t>>(databuild::Failure{id.error()});
      if (!published) {
        std::fprintf(stderr, "%s\n", published.error().c_str());
        return 1;
      }
      if (batched && !(*catalog)->commit_batch()) return 1;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int transactions = batched ? count : 2 * count;
    std::printf("%d jobs recorded (%s) in %.2f s: %.0f jobs/s, %.0f transactions/s\n", count,
                batched ? "one batch each" : "2 transactions each", seconds, count / seconds,
                transactions / seconds);
  }
  std::filesystem::remove(path);
  return 0;
}

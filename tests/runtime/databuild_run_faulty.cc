// `databuild-run` whose catalog disk fails on purpose, for catalog_faults.sh:
// the real runtime, real processes and real files, with SQLite's writes going
// through the faulty VFS (faulty_vfs.h).
//   DATABUILD_DISK_FAULT=write:N:full|write:N:ioerr|sync:N:ioerr  the fault
//   DATABUILD_DISK_COUNTS=FILE  at exit, "WRITES SYNCS" seen, into FILE (how a
//                               test learns how many writes a build makes)
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "faulty_vfs.h"
#include "run_command.h"

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // as databuild-run's own main
  const char* spec = std::getenv("DATABUILD_DISK_FAULT");
  std::optional<databuild::DiskFault> fault = databuild::parse_disk_fault(spec ? spec : "");
  if (!fault) {
    std::cerr << "databuild-run-faulty: set DATABUILD_DISK_FAULT to write:N:full, write:N:ioerr "
                 "or sync:N:ioerr\n";
    return 2;
  }
  databuild::install_faulty_vfs(*fault);
  int status = databuild::run_databuild_run(std::vector<std::string>(argv + 1, argv + argc),
                                            std::cout, std::cerr);
  if (const char* counts_file = std::getenv("DATABUILD_DISK_COUNTS")) {
    databuild::DiskCounts counts = databuild::faulty_vfs_counts();
    std::ofstream(counts_file) << counts.writes << " " << counts.syncs << "\n";
  }
  return status;
}

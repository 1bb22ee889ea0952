// The `databuild-run` executable: everything is in run_command.cc.
#include <signal.h>

#include <iostream>

#include "run_command.h"

int main(int argc, char** argv) {
  // A reader closing our stdout (`| head`) must not kill a build mid-publish.
  signal(SIGPIPE, SIG_IGN);
  return databuild::run_databuild_run(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                                      std::cerr);
}

// What the machine-readable reports of `databuild check` (report_json.h,
// report_sarif.h) are given: per workspace, its files and the diagnostics to
// report, already filtered to the files the user named. Filtering stays in
// check_command.cc, beside the text output's, so the formats cannot disagree
// on what is reported; the reports only lay it out.
#pragma once

#include <string>
#include <vector>

#include "diagnostics.h"
#include "source.h"

namespace databuild {

struct WorkspaceReport {
  std::string root;                                // absolute, as find_workspace_root gives it
  const std::vector<SourceFile>* files = nullptr;  // indexed by FileId; absolute paths
  std::vector<std::string> display_paths;          // per FileId: the path the text output prints
  std::vector<const Diagnostic*> diagnostics;      // to report, in order; point into an Analysis
};

struct ToolInfo {
  std::string name = "databuild";
  std::string version;
};

}  // namespace databuild

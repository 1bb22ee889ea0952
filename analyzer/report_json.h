// `databuild check --format json`: diagnostics as one JSON document, for
// scripts and tools that want more than the clang-style text but not SARIF.
// The schema is versioned and documented in docs/check-output.md; additive
// changes keep "version": 1, anything else bumps it.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "report.h"

namespace databuild {

constexpr int kJsonReportVersion = 1;

nlohmann::ordered_json json_report(const std::vector<WorkspaceReport>& workspaces,
                                   const ToolInfo& tool);

// Writes json_report() indented, with a trailing newline.
void write_json_report(std::ostream& out, const std::vector<WorkspaceReport>& workspaces,
                       const ToolInfo& tool);

}  // namespace databuild

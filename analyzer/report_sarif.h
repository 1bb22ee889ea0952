// `databuild check --format sarif`: diagnostics as a SARIF 2.1.0 log, the
// format code-scanning services (GitHub, Azure DevOps, IDE viewers) ingest.
// One run; every diagnostic in diagnostics.def is a rule of the driver, so
// viewers can show a rule's description even for codes absent from this run.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "report.h"

namespace databuild {

// The URI of the OASIS schema the log declares in "$schema".
extern const char* const kSarifSchemaUri;

nlohmann::ordered_json sarif_report(const std::vector<WorkspaceReport>& workspaces,
                                    const ToolInfo& tool);

// Writes sarif_report() indented, with a trailing newline.
void write_sarif_report(std::ostream& out, const std::vector<WorkspaceReport>& workspaces,
                        const ToolInfo& tool);

// A file:// URI for an absolute path, percent-encoded, with a trailing slash
// when `directory` (SARIF resolves relative URIs against a base only then).
std::string file_uri(const std::string& absolute_path, bool directory);

}  // namespace databuild

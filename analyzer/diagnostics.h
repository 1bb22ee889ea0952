// Diagnostics: what the analyzer reports, and the one table that declares them.
//
// Analysis never fails; it returns results plus diagnostics. A diagnostic is
// plain data (code, severity, location, message, related locations) so that the
// CLI renderers and the language server can present it as they need.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source.h"

namespace databuild {

enum class Severity { Error, Warning, Note };

enum class DiagnosticCode {
#define DIAGNOSTIC(Id, Code, Sev, Message, Summary, Description) Id,
#include "diagnostics.def"
#undef DIAGNOSTIC
};

struct DiagnosticInfo {
  DiagnosticCode id;
  std::string_view code;
  Severity severity;
  std::string_view message_template;
  std::string_view name;  // the Id, as a word: "UnknownKey"
  std::string_view summary;
  std::string_view description;
};

// Every diagnostic in declaration order.
const std::vector<DiagnosticInfo>& all_diagnostics();
const DiagnosticInfo& diagnostic_info(DiagnosticCode id);
std::string_view severity_name(Severity severity);

struct RelatedLocation {
  Location location;
  std::string message;

  bool operator==(const RelatedLocation&) const = default;
};

struct Diagnostic {
  DiagnosticCode id;
  Severity severity;
  Location location;
  std::string message;
  std::vector<RelatedLocation> related;

  bool operator==(const Diagnostic&) const = default;

  std::string_view code() const { return diagnostic_info(id).code; }
};

// Fills the template of `id` with `args` ({0}, {1}, ...; missing ones expand to "").
Diagnostic make_diagnostic(DiagnosticCode id, Location location,
                           std::initializer_list<std::string_view> args,
                           std::vector<RelatedLocation> related = {});

}  // namespace databuild

// Expands diagnostics.def into the lookup table. Templates are filled by a
// deliberately tiny formatter ({N} only) so that messages stay declarative.
// Arguments often quote user text (names, string values, stray bytes); they are
// made printable here, once, so no message can carry invalid UTF-8 into JSON.
#include "diagnostics.h"

namespace databuild {

const std::vector<DiagnosticInfo>& all_diagnostics() {
  static const std::vector<DiagnosticInfo> table = {
#define DIAGNOSTIC(Id, Code, Sev, Message, Summary, Description) \
  {DiagnosticCode::Id, Code, Severity::Sev, Message, #Id, Summary, Description},
#include "diagnostics.def"
#undef DIAGNOSTIC
  };
  return table;
}

const DiagnosticInfo& diagnostic_info(DiagnosticCode id) {
  return all_diagnostics()[static_cast<size_t>(id)];
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

Diagnostic make_diagnostic(DiagnosticCode id, Location location,
                           std::initializer_list<std::string_view> args,
                           std::vector<RelatedLocation> related) {
  const DiagnosticInfo& info = diagnostic_info(id);
  std::string message;
  std::string_view tmpl = info.message_template;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}' && tmpl[i + 1] >= '0' &&
        tmpl[i + 1] <= '9') {
      size_t index = static_cast<size_t>(tmpl[i + 1] - '0');
      if (index < args.size()) message += printable(*(args.begin() + index));
      i += 2;
    } else {
      message += tmpl[i];
    }
  }
  return Diagnostic{id, info.severity, location, std::move(message), std::move(related)};
}

}  // namespace databuild

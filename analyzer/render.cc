// The caret line copies the tabs of the source line so the caret lines up in
// any terminal; the underline stops at the end of the first line of a range.
#include "render.h"

namespace databuild {
namespace {

const char* severity_color(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "\033[1;31m";
    case Severity::Warning:
      return "\033[1;35m";
    case Severity::Note:
      return "\033[1;30m";
  }
  return "";
}

// Valid UTF-8 without control characters other than tabs.
bool is_text(std::string_view line) {
  for (size_t i = 0; i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    size_t length = utf8_sequence_length(line, i);
    if (length == 0 || (c < 0x20 && c != '\t') || c == 0x7f) return false;
    i += length;
  }
  return true;
}

void render_one(std::ostream& out, Severity severity, const Location& location,
                const std::string& message, std::string_view code,
                const std::vector<SourceFile>& files, const std::vector<std::string>& display_paths,
                const RenderOptions& options) {
  const char* bold = options.color ? "\033[1m" : "";
  const char* reset = options.color ? "\033[0m" : "";
  const SourceFile& file = files[location.file];
  LineColumn start = file.lines.position(location.range.begin);
  out << bold << display_paths[location.file] << ':' << start.line + 1 << ':' << start.column + 1
      << ": " << reset << (options.color ? severity_color(severity) : "") << severity_name(severity)
      << ": " << reset << bold << message << reset;
  if (!code.empty()) out << " [" << code << ']';
  out << '\n';
  std::string_view line = file.lines.line_text(file.text, start.line);
  // A line that is not printable text (binary data) is not echoed to the terminal.
  if ((line.empty() && file.text.empty()) || !is_text(line)) return;
  out << line << '\n';
  std::string caret;
  for (uint32_t i = 0; i < start.column && i < line.size(); ++i)
    caret += line[i] == '\t' ? '\t' : ' ';
  caret += '^';
  uint32_t end = std::min<uint32_t>(
      location.range.end, location.range.begin - start.column + static_cast<uint32_t>(line.size()));
  for (uint32_t i = location.range.begin + 1; i < end; ++i) caret += '~';
  out << (options.color ? "\033[1;32m" : "") << caret << reset << '\n';
}

}  // namespace

void render_text(std::ostream& out, const Diagnostic& diagnostic,
                 const std::vector<SourceFile>& files,
                 const std::vector<std::string>& display_paths, const RenderOptions& options) {
  render_one(out, diagnostic.severity, diagnostic.location, diagnostic.message, diagnostic.code(),
             files, display_paths, options);
  for (const RelatedLocation& related : diagnostic.related) {
    render_one(out, Severity::Note, related.location, related.message, {}, files, display_paths,
               options);
  }
}

}  // namespace databuild

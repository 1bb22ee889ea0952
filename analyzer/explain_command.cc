// `databuild explain`: resolves a partition and its inputs, level by level, and
// shows the tree.
//
// One walk builds the tree as a JSON value (the --format json document), and
// the text output is rendered from that value, so the two formats cannot
// disagree about what is shown. The walk expands each partition at most once:
// a partition met again is marked "repeated" (text: "(see above)"), which keeps
// the output linear in the number of distinct partitions even where inputs
// share upstream partitions or a job reads its own earlier partitions
// (`running[date = d - 1d]`). --depth bounds the levels of jobs expanded.
//
// `now` is the wall clock unless --now fixes it; it is read here, at the
// edge, and handed to the library as a BuildClock.
#include "explain_command.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "calendar.h"
#include "check_command.h"
#include "resolve.h"
#include "workspace.h"

namespace databuild {
namespace {

using nlohmann::ordered_json;

const char* const kUsage =
    "usage: databuild explain REF [--depth N] [--format text|json] [--now DATE|HOUR] [PATH]\n"
    "\n"
    "Shows what building the partition REF (e.g. clean_events/date=2024-01-03/region=us)\n"
    "takes: its producer job with bound parameters, each input and its partitions, and\n"
    "their producers in turn, N levels of jobs deep (default 1). PATH is the workspace\n"
    "(default: the one holding the current directory). --now sets the time that\n"
    "'until now' is measured from (default: the current time, UTC).\n"
    "Exit status: 0 explained, 1 workspace errors or an unresolvable partition,\n"
    "2 could not run (bad usage, no workspace, invalid REF).\n";

constexpr int kMaxDepth = 1000;

struct Options {
  std::string ref;
  std::string path = ".";
  int depth = 1;
  bool json = false;
  bool help = false;
  std::optional<BuildClock> now;
};

std::optional<BuildClock> parse_now(std::string_view text) {
  if (std::optional<int64_t> date = parse_date(text)) return BuildClock{*date * kSecondsPerDay};
  if (std::optional<int64_t> hour = parse_hour(text)) return BuildClock{*hour * kSecondsPerHour};
  return std::nullopt;
}

// Returns false (after printing why) on a usage error.
bool parse_options(const std::vector<std::string>& args, Options& options, std::ostream& err) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string_view option) { return option_value(args, i, option); };
    if (std::optional<std::string> depth = value("--depth")) {
      bool digits = !depth->empty() && depth->size() <= 4 &&
                    depth->find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoi(*depth) > kMaxDepth) {
        err << "databuild explain: --depth takes a number from 0 to " << kMaxDepth << "\n";
        return false;
      }
      options.depth = std::stoi(*depth);
    } else if (std::optional<std::string> format = value("--format")) {
      if (*format != "text" && *format != "json") {
        err << "databuild explain: --format takes text or json\n";
        return false;
      }
      options.json = *format == "json";
    } else if (std::optional<std::string> now = value("--now")) {
      options.now = parse_now(*now);
      if (!options.now) {
        err << "databuild explain: --now takes a date (YYYY-MM-DD) or an hour (YYYY-MM-DDTHH), "
               "UTC\n";
        return false;
      }
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (!arg.empty() && arg[0] == '-') {
      err << "databuild explain: unknown option '" << arg << "'\n" << kUsage;
      return false;
    } else {
      positional.push_back(arg);
    }
  }
  if (options.help) return true;
  if (positional.empty() || positional.size() > 2) {
    err << "databuild explain: expected a partition REF and at most one PATH\n" << kUsage;
    return false;
  }
  options.ref = positional[0];
  if (positional.size() == 2) options.path = positional[1];
  return true;
}

BuildClock wall_clock() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count()};
}

// Builds the explanation tree.
class Explainer {
 public:
  Explainer(const Analysis& analysis, BuildClock clock) : analysis_(analysis), clock_(clock) {}

  // Whether some partition could not be resolved.
  bool failed() const { return failed_; }

  ordered_json explain(const PartitionRef& partition, int depth) {
    ordered_json node;
    std::string ref = partition.canonical();
    node["ref"] = ref;
    node["dataset"] = partition.dataset->name.text;
    ordered_json& keys = node["keys"] = ordered_json::object();
    for (size_t i = 0; i < partition.values.size(); ++i)
      keys[partition.dataset->keys[i].name.text] = value_text(partition.values[i]);
    if (Expected<std::string> location = partition_location(partition))
      node["location"] = *location;
    Expected<Resolution> resolution = resolve(analysis_.linked, partition, clock_);
    if (!resolution) {
      failed_ = true;
      node["error"] = resolution.error();
      return node;
    }
    static const char* const kProducers[] = {"job", "external", "hand-made"};
    node["producer"] = kProducers[static_cast<int>(resolution->producer)];
    if (!resolution->target) return node;
    const JobTarget& target = *resolution->target;
    node["job"] = target.job->name.text;
    ordered_json& parameters = node["parameters"] = ordered_json::object();
    for (const BoundParameter& parameter : target.parameters)
      parameters[parameter.parameter->name.text] = value_text(parameter.value);
    if (expanded_.count(ref)) {
      node["repeated"] = true;
      return node;
    }
    if (depth == 0) {
      node["truncated"] = true;
      return node;
    }
    expanded_.insert(ref);
    node["run"] = target.argv;
    ordered_json& env = node["env"] = ordered_json::object();
    for (const auto& [name, value] : target.env) env[name] = value;
    ordered_json& inputs = node["inputs"] = ordered_json::array();
    for (const InputPartitions& input : target.inputs) inputs.push_back(explain(input, depth));
    return node;
  }

 private:
  ordered_json explain(const InputPartitions& input, int depth) {
    ordered_json node;
    node["port"] = input.port->name.text;
    node["pattern"] = source_text(input.port->pattern.location);
    node["columns"] = input.columns;
    node["single"] = input.single;
    node["dropped"] = input.dropped;
    if (input.outside)
      node["outside"] = {{"ref", input.outside->canonical()}, {"reason", input.outside_reason}};
    ordered_json& partitions = node["partitions"] = ordered_json::array();
    for (const PartitionRef& partition : input.partitions)
      partitions.push_back(explain(partition, depth - 1));
    return node;
  }

  // The source text at `location`, on one line.
  std::string source_text(const Location& location) const {
    const std::string& text = analysis_.files[location.file].text;
    std::string out;
    for (uint32_t i = location.range.begin; i < location.range.end && i < text.size(); ++i) {
      bool space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
      if (!space) {
        out += text[i];
      } else if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    }
    return out;
  }

  const Analysis& analysis_;
  BuildClock clock_;
  std::set<std::string> expanded_;
  bool failed_ = false;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void render_text(std::ostream& out, const ordered_json& node, const std::string& indent) {
  out << indent << node["ref"].get<std::string>() << ": ";
  if (node.contains("error")) {
    out << "cannot resolve: " << node["error"].get<std::string>() << "\n";
    return;
  }
  std::string producer = node["producer"];
  if (producer == "external") out << "external (waited for)";
  if (producer == "hand-made") out << "hand-made (no job produces it)";
  if (producer == "job") {
    out << "job " << node["job"].get<std::string>() << "(";
    const char* separator = "";
    for (const auto& [name, value] : node["parameters"].items()) {
      out << separator << name << " = " << value.get<std::string>();
      separator = ", ";
    }
    out << ")";
  }
  if (node.contains("repeated")) out << " (see above)";
  if (node.contains("truncated")) out << " …";
  out << "\n";
  if (!node.contains("inputs")) return;
  out << indent << "  run [";
  const char* separator = "";
  for (const auto& argument : node["run"]) {
    out << separator << quoted(argument.get<std::string>());
    separator = ", ";
  }
  out << "]\n";
  for (const auto& input : node["inputs"]) {
    out << indent << "  input " << input["port"].get<std::string>() << " = "
        << input["pattern"].get<std::string>() << ": ";
    if (input.contains("outside")) {
      out << "unbuildable: " << input["outside"]["ref"].get<std::string>()
          << " is outside the domain: " << input["outside"]["reason"].get<std::string>() << "\n";
      continue;
    }
    size_t count = input["partitions"].size(), dropped = input["dropped"];
    out << count << (count == 1 ? " partition" : " partitions");
    if (dropped > 0) out << ", " << dropped << " outside the domain dropped";
    out << "\n";
    for (const auto& partition : input["partitions"]) render_text(out, partition, indent + "    ");
  }
}

}  // namespace

int run_explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (!parse_options(args, options, err)) return kExitCannotRun;
  if (options.help) {
    out << kUsage;
    return kExitClean;
  }
  std::optional<std::string> root = find_workspace_root(options.path);
  if (!root) {
    err << "databuild explain: " << options.path
        << ": not inside a DataBuild workspace (no workspace.dbuild here or above)\n";
    return kExitCannotRun;
  }
  std::unique_ptr<Analysis> analysis = analyze_workspace(*root);
  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  bool has_errors = std::any_of(diagnostics.begin(), diagnostics.end(),
                                [](const Diagnostic& d) { return d.severity == Severity::Error; });
  if (has_errors) {
    err << "databuild explain: the workspace has errors; fix them first:\n";
    run_check({"--color=never", *root}, err, err);
    return kExitProblems;
  }
  BuildClock clock = options.now.value_or(wall_clock());
  Expected<PartitionRef> ref = parse_partition_ref(analysis->linked, options.ref, clock);
  if (!ref) {
    err << "databuild explain: " << ref.error() << "\n";
    return kExitCannotRun;
  }
  Explainer explainer(*analysis, clock);
  ordered_json tree = explainer.explain(*ref, options.depth);
  if (options.json) {
    ordered_json document;
    document["version"] = 1;
    document["now"] = format_hour(clock.unix_seconds / kSecondsPerHour);
    document["depth"] = options.depth;
    document["partition"] = std::move(tree);
    out << document.dump(2) << "\n";
  } else {
    render_text(out, tree, "");
  }
  return explainer.failed() ? kExitProblems : kExitClean;
}

}  // namespace databuild

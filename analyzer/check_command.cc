// PATH arguments are workspaces or files inside them. Files are grouped by
// their workspace and the whole workspace is analyzed (names resolve across
// files), but only diagnostics in the named files are shown, which is what an
// editor or a pre-commit hook handing over changed files wants.
//
// --format json|sarif write one document for the whole invocation, so every
// analysis is kept alive until all workspaces are checked, and the summary
// line (text only) is left out: a document on standard output must be nothing
// but the document. Command-line problems still go to standard error as text.
#include "check_command.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "analysis_cache.h"
#include "render.h"
#include "report_json.h"
#include "report_sarif.h"
#include "workspace.h"

namespace databuild {

namespace fs = std::filesystem;

namespace {

const char* const kUsage =
    "usage: databuild check [--werror] [--color=auto|always|never] [--format text|json|sarif]\n"
    "                       [-j N] [--no-cache] [PATH...]\n"
    "\n"
    "Checks the workspace holding each PATH (a workspace directory or .dbuild files\n"
    "inside one); with no PATH, the workspace holding the current directory.\n"
    "--format json or sarif writes one JSON document (docs/check-output.md) instead\n"
    "of the text report.\n"
    "Results are cached by content in WORKSPACE/.databuild/cache; --no-cache\n"
    "neither reads nor writes the cache.\n"
    "Exit status: 0 no errors, 1 errors (or warnings with --werror), 2 could not run.\n";

// Paths are shown relative to the current directory when it and the workspace
// are nested one in the other (the usual case: running inside the workspace or
// above it), absolute otherwise.
std::string display_path(const std::string& absolute, const std::string& root) {
  std::error_code error;
  fs::path cwd = fs::current_path(error);
  if (error) return absolute;
  auto within = [](const fs::path& inner, const fs::path& outer) {
    fs::path relative = inner.lexically_relative(outer);
    return !relative.empty() && *relative.begin() != "..";
  };
  if (!within(cwd, root) && !within(root, cwd)) return absolute;
  return fs::path(absolute).lexically_relative(cwd).string();
}

enum class Format { Text, Json, Sarif };

struct Options {
  bool werror = false;
  Format format = Format::Text;
  bool color = false;
  unsigned threads = 0;
  bool help = false;
  bool cache = true;
  std::vector<std::string> paths;
};

// Returns false (after printing why) on a usage error.
bool parse_options(const std::vector<std::string>& args, Options& options, std::ostream& err) {
  std::string color = "auto";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--werror") {
      options.werror = true;
    } else if (arg.rfind("--color=", 0) == 0) {
      color = arg.substr(8);
      if (color != "auto" && color != "always" && color != "never") {
        err << "databuild check: --color takes auto, always or never\n";
        return false;
      }
    } else if (arg == "--format" || arg.rfind("--format=", 0) == 0) {
      std::string value =
          arg == "--format" ? (i + 1 < args.size() ? args[++i] : "") : arg.substr(9);
      if (value == "text") {
        options.format = Format::Text;
      } else if (value == "json") {
        options.format = Format::Json;
      } else if (value == "sarif") {
        options.format = Format::Sarif;
      } else {
        err << "databuild check: --format takes text, json or sarif\n";
        return false;
      }
    } else if (arg == "-j" || arg.rfind("-j", 0) == 0) {
      std::string value = arg == "-j" ? (i + 1 < args.size() ? args[++i] : "") : arg.substr(2);
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
          value.size() > 4) {
        err << "databuild check: -j takes a number of threads\n";
        return false;
      }
      options.threads = static_cast<unsigned>(std::stoul(value));
    } else if (arg == "--no-cache") {
      options.cache = false;
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      err << "databuild check: unknown option '" << arg << "'\n" << kUsage;
      return false;
    } else {
      options.paths.push_back(arg);
    }
  }
  options.color = color == "always" || (color == "auto" && isatty(STDOUT_FILENO));
  return true;
}

// A workspace's files and diagnostics: all a report needs.
struct CheckedWorkspace {
  std::vector<SourceFile> files;
  std::vector<Diagnostic> diagnostics;
};

// Analyzes the workspace at `root`, or takes its diagnostics from the cache
// when no file changed since they were stored. Texts are dropped once lowered
// and only those of reported files read again; when one changed on disk
// meanwhile, the check starts over holding every text (`release_texts` false).
CheckedWorkspace check_workspace(const std::string& root, const Options& options,
                                 bool release_texts = true) {
  WorkspaceSources sources = load_workspace(root);
  std::unique_ptr<AnalysisCache> cache = options.cache ? AnalysisCache::open(root) : nullptr;
  // An unreadable file's diagnostic depends on more than content; never cache it.
  if (cache && !sources.unreadable.empty()) cache.reset();
  CheckedWorkspace checked;
  ContentHash key;
  if (cache) {
    key = cache->workspace_key(sources.files);
    if (auto diagnostics = cache->load_diagnostics(key, sources.files.size())) {
      checked.diagnostics = std::move(*diagnostics);
      for (auto& [path, text] : sources.files) checked.files.emplace_back(path, std::move(text));
      return checked;
    }
    cache->prune(sources.files);
  }
  AnalysisOptions analysis_options;
  analysis_options.threads = options.threads;
  analysis_options.cache = cache.get();
  analysis_options.release_texts = release_texts;
  std::unique_ptr<Analysis> analysis = analyze_loaded(std::move(sources), analysis_options);
  checked.diagnostics = analysis->diagnostics();
  if (cache) cache->store_diagnostics(key, checked.diagnostics);
  checked.files = std::move(analysis->files);
  analysis.reset();
  if (!restore_texts(checked.files, checked.diagnostics))
    return check_workspace(root, options, /*release_texts=*/false);
  return checked;
}

}  // namespace

std::optional<std::string> option_value(const std::vector<std::string>& args, size_t& i,
                                        std::string_view option) {
  const std::string& arg = args[i];
  if (arg == option) return i + 1 < args.size() ? args[++i] : "";
  if (arg.size() > option.size() && arg.compare(0, option.size(), option) == 0 &&
      arg[option.size()] == '=')
    return arg.substr(option.size() + 1);
  return std::nullopt;
}

int run_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (!parse_options(args, options, err)) return kExitCannotRun;
  if (options.help) {
    out << kUsage;
    return kExitClean;
  }
  if (options.paths.empty()) options.paths.push_back(".");

  // Workspace root -> the files to report on (empty: all of them).
  std::map<std::string, std::set<std::string>> workspaces;
  for (const std::string& path : options.paths) {
    std::error_code error;
    if (!fs::exists(path, error)) {
      err << "databuild check: " << path << ": no such file or directory\n";
      return kExitCannotRun;
    }
    std::optional<std::string> root = find_workspace_root(path);
    if (!root) {
      err << "databuild check: " << path
          << ": not inside a DataBuild workspace (no workspace.dbuild here or above)\n";
      return kExitCannotRun;
    }
    std::set<std::string>& only = workspaces[*root];
    if (fs::is_directory(path, error)) {
      workspaces[*root].clear();
      workspaces[*root].insert("");  // marker: the whole workspace
    } else if (!only.count("")) {
      only.insert(fs::absolute(path).lexically_normal().string());
    }
  }

  size_t errors = 0, warnings = 0;
  RenderOptions render;
  render.color = options.color;
  // Kept alive for the JSON and SARIF documents, which point into them. Reserved
  // so that the reports' pointers stay put.
  std::vector<CheckedWorkspace> checked;
  std::vector<WorkspaceReport> reports;
  checked.reserve(workspaces.size());
  for (const auto& [root, only] : workspaces) {
    CheckedWorkspace& workspace = checked.emplace_back(check_workspace(root, options));
    for (const std::string& file : only) {
      bool analyzed = std::any_of(workspace.files.begin(), workspace.files.end(),
                                  [&](const SourceFile& source) { return source.path == file; });
      if (!file.empty() && !analyzed)
        err << "databuild check: " << display_path(file, root)
            << ": not part of the workspace (not a .dbuild file, or in a hidden directory, a "
               "nested workspace or the data root); not checked\n";
    }
    WorkspaceReport& report = reports.emplace_back();
    report.root = root;
    report.files = &workspace.files;
    for (const SourceFile& file : workspace.files)
      report.display_paths.push_back(display_path(file.path, root));
    for (const Diagnostic& diagnostic : workspace.diagnostics) {
      if (!only.count("") && !only.count(workspace.files[diagnostic.location.file].path)) continue;
      (diagnostic.severity == Severity::Error ? errors : warnings)++;
      if (options.format == Format::Text)
        render_text(out, diagnostic, workspace.files, report.display_paths, render);
      else
        report.diagnostics.push_back(&diagnostic);
    }
  }
  ToolInfo tool;
  tool.version = DATABUILD_VERSION;
  if (options.format == Format::Json) {
    write_json_report(out, reports, tool);
  } else if (options.format == Format::Sarif) {
    write_sarif_report(out, reports, tool);
  } else if (errors + warnings > 0) {
    auto plural = [](size_t n, const char* word) {
      return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    out << plural(errors, "error") << " and " << plural(warnings, "warning") << ".\n";
  }
  return errors > 0 || (options.werror && warnings > 0) ? kExitProblems : kExitClean;
}

}  // namespace databuild

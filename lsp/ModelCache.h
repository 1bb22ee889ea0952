// Re-analysis for the editor: the whole workspace is linked again after every
// change, but only files whose text changed are parsed and lowered again.
//
// analyze_sources() parses every file each time, which at 10k jobs costs most
// of a second per keystroke. Lowering is per file and context-free (an
// invariant of the analyzer), so a file's FileModel can be kept while its text
// is unchanged. The kept models are moved out of the previous Analysis and
// linked again in place (link() first clears what the last link filled in):
// an edit copies no model, and the server holds one copy of each, not a
// pristine one beside a linked one. A model is reused only under the same
// FileId, since its Locations carry the FileId it was lowered with.
//
// The analyzer's on-disk cache (analysis_cache.h) serves `databuild check`;
// it is not used here, so that typing does not write an entry per keystroke
// into the workspace.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "syntax.h"
#include "workspace.h"

namespace databuild::lsp {

class ModelCache {
 public:
  // (absolute path, text), indexed by FileId; the texts are copied only for
  // files that changed. No text means the file is unchanged since the
  // previous analysis, which holds it (or released it: Analysis::text).
  using Sources = std::vector<std::pair<std::string, std::optional<std::string_view>>>;

  // What analyze_sources(root, sources) returns, reusing unchanged files'
  // texts and models from `previous` (the last analysis, or null), which it
  // consumes. A changed file with a tree in `trees` (by path; parsed from
  // that very text) is lowered from it instead of being parsed again.
  // `threads` as in AnalysisOptions.
  std::unique_ptr<Analysis> analyze(std::unique_ptr<Analysis> previous, std::string root,
                                    const Sources& sources,
                                    const std::unordered_map<std::string, const SyntaxTree*>& trees,
                                    unsigned threads);
  // How many files the last analyze() lowered (for tests).
  size_t last_lowered() const { return last_lowered_; }

 private:
  size_t last_lowered_ = 0;
};

}  // namespace databuild::lsp

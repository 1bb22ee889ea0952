// Renders diagnostics for people, clang-style:
//   path:line:col: error: message [code]
//     source line
//     ^~~~~
//   path:line:col: note: related message
// Lines and columns are 1-based; columns count bytes, as clang's do.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "source.h"

namespace databuild {

struct RenderOptions {
  bool color = false;
};

// `files` is indexed by FileId; `display_paths` gives the path to print for each.
void render_text(std::ostream& out, const Diagnostic& diagnostic,
                 const std::vector<SourceFile>& files,
                 const std::vector<std::string>& display_paths, const RenderOptions& options);

}  // namespace databuild

// A job's definition hash: the part of the runtime's job fingerprint that
// comes from the job block itself, computed so that layout and comments never
// make anything rebuild.
//
// It is computed from the source text when the runtime plans (runtime/plan.h),
// not kept in the model: `check` and the language server never use it, and
// building every job's canonical text while lowering was 1.5% of a check's
// instructions at 10k jobs (docs/benchmarks.md). `databuild fmt` keeps it
// unchanged (format.h), which format_test.cc checks on every corpus case.
#pragma once

#include <string>
#include <string_view>

#include "content_hash.h"
#include "model.h"

namespace databuild {

// A declaration's text in a form that layout and comments do not change:
// comments dropped, whitespace removed except one space between two word
// characters (so no two tokens merge), strings kept as written.
std::string canonical_definition(std::string_view declaration);

// The hash of `job`'s canonical text. `source` is the whole text of the file
// the job was lowered from (job.declaration is a range of it).
ContentHash definition_hash(const Job& job, std::string_view source);

}  // namespace databuild

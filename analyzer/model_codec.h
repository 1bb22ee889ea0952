// A compact binary encoding of lowered FileModels and of diagnostics, for the
// on-disk analysis cache (analysis_cache.h).
//
// Only what lowering produces is encoded: the fields marked "linked" in
// model.h are left out, because link() fills them afresh on every analysis and
// their pointers would mean nothing in another process. A FileModel's FileId is
// not encoded either: the same content is often a different file (a copy, a
// rename, another checkout), so the caller supplies it when decoding and every
// Location in the model's file is rewritten to it.
//
// The encoding carries no version of its own: the cache keys every entry by a
// hash of the running executable, so any rebuild of the tool (a new field, a
// change to lowering) starts from an empty cache. The round-trip test compares
// decoded models with the originals field by field (model.h's defaulted
// operator==), so a field added to the model but not to the encoding fails it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace databuild {

std::string encode_file_model(const FileModel& model);
// nullopt when `bytes` is not a complete encoding (a truncated or corrupt entry).
std::optional<FileModel> decode_file_model(std::string_view bytes, FileId file);

std::string encode_diagnostics(const std::vector<Diagnostic>& diagnostics);
std::optional<std::vector<Diagnostic>> decode_diagnostics(std::string_view bytes);

}  // namespace databuild

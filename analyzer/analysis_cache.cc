// An entry file is: the magic "DBAC", the payload's hash (16 bytes), then the
// payload (model_codec.h). The hash is checked on every read, which catches
// truncation and bit rot alike; the magic keeps a stray file from being taken
// for an entry. File names are the entry's key in hex.
//
// The content hash processes 16 bytes per step with two 64x64->128 bit
// multiplies (the approach of wyhash): hashing is on the path of every warm
// check, which must read and hash a whole 40 MB workspace in well under 0.3 s.
#include "analysis_cache.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model_codec.h"

namespace databuild {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "DBAC";
constexpr size_t kHeaderSize = 4 + 16;
// Workspace entries kept by prune(): enough for a few branches or checkouts.
constexpr size_t kWorkspaceEntriesKept = 8;
constexpr auto kModelEntryGrace = std::chrono::hours(24);

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(bytes).str();
}

std::optional<std::string> read_entry(const std::string& path) {
  std::optional<std::string> bytes = read_whole(path);
  if (!bytes || bytes->size() < kHeaderSize || bytes->compare(0, 4, kMagic) != 0)
    return std::nullopt;
  std::string_view payload = std::string_view(*bytes).substr(kHeaderSize);
  ContentHash hash = hash_content(payload);
  ContentHash stored;
  std::memcpy(&stored.high, bytes->data() + 4, sizeof stored.high);
  std::memcpy(&stored.low, bytes->data() + 12, sizeof stored.low);
  if (stored != hash) return std::nullopt;
  return bytes->substr(kHeaderSize);
}

// Best effort: a failure to write leaves the cache without the entry.
void write_entry(const std::string& path, std::string_view payload) {
  static std::atomic<unsigned> counter{0};
  std::string temporary =
      path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  ContentHash hash = hash_content(payload);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(kMagic.data(), 4);
    out.write(reinterpret_cast<const char*>(&hash.high), 8);
    out.write(reinterpret_cast<const char*>(&hash.low), 8);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    if (!out.flush()) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      return;
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) fs::remove(temporary, error);
}

}  // namespace

std::unique_ptr<AnalysisCache> AnalysisCache::open(const std::string& root) {
  std::optional<std::string> executable = read_whole("/proc/self/exe");
  if (!executable) return nullptr;
  std::string directory = (fs::path(root) / ".databuild" / "cache" / "analysis").string();
  std::error_code error;
  fs::create_directories(fs::path(directory) / "models", error);
  if (!error) fs::create_directories(fs::path(directory) / "workspaces", error);
  if (error || access(directory.c_str(), W_OK) != 0) return nullptr;
  return std::make_unique<AnalysisCache>(directory, hash_content(*executable));
}

AnalysisCache::AnalysisCache(std::string directory, ContentHash tool_identity)
    : directory_(std::move(directory)), tool_identity_(tool_identity) {}

std::string AnalysisCache::model_path(std::string_view text) const {
  return directory_ + "/models/" + hash_content(text, tool_identity_.low).hex();
}

ContentHash AnalysisCache::workspace_key(const Files& files) const {
  // A listing of (path, content hash) pairs: cheap to build and unambiguous,
  // since paths cannot contain NUL.
  std::string listing;
  for (const auto& [path, text] : files) {
    listing += path;
    listing += '\0';
    listing += hash_content(text).hex();
  }
  return hash_content(listing, tool_identity_.high);
}

std::string AnalysisCache::diagnostics_path(const ContentHash& key) const {
  return directory_ + "/workspaces/" + key.hex();
}

std::optional<FileModel> AnalysisCache::load_model(std::string_view text, FileId file) const {
  std::optional<std::string> payload = read_entry(model_path(text));
  if (!payload) return std::nullopt;
  return decode_file_model(*payload, file);
}

void AnalysisCache::store_model(std::string_view text, const FileModel& model) const {
  write_entry(model_path(text), encode_file_model(model));
}

std::optional<std::vector<Diagnostic>> AnalysisCache::load_diagnostics(const ContentHash& key,
                                                                       size_t file_count) const {
  std::optional<std::string> payload = read_entry(diagnostics_path(key));
  if (!payload) return std::nullopt;
  std::optional<std::vector<Diagnostic>> diagnostics = decode_diagnostics(*payload);
  // An entry naming a file the workspace does not have is corrupt, not a hit.
  auto outside = [&](const Location& location) { return location.file >= file_count; };
  for (const Diagnostic& diagnostic : diagnostics ? *diagnostics : std::vector<Diagnostic>{}) {
    if (outside(diagnostic.location) ||
        std::any_of(diagnostic.related.begin(), diagnostic.related.end(),
                    [&](const RelatedLocation& related) { return outside(related.location); }))
      return std::nullopt;
  }
  return diagnostics;
}

void AnalysisCache::store_diagnostics(const ContentHash& key,
                                      const std::vector<Diagnostic>& diagnostics) const {
  write_entry(diagnostics_path(key), encode_diagnostics(diagnostics));
}

void AnalysisCache::prune(const Files& files) const {
  std::vector<std::string> used;
  used.reserve(files.size());
  for (const auto& [path, text] : files) used.push_back(fs::path(model_path(text)).filename());
  std::sort(used.begin(), used.end());
  auto now = fs::file_time_type::clock::now();
  std::error_code error;
  for (fs::directory_iterator it(directory_ + "/models", error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    if (std::binary_search(used.begin(), used.end(), it->path().filename().string())) continue;
    if (now - it->last_write_time(ignored) > kModelEntryGrace) fs::remove(it->path(), ignored);
  }
  std::vector<std::pair<fs::file_time_type, fs::path>> workspaces;
  for (fs::directory_iterator it(directory_ + "/workspaces", error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    workspaces.emplace_back(it->last_write_time(ignored), it->path());
  }
  if (workspaces.size() <= kWorkspaceEntriesKept) return;
  std::sort(workspaces.begin(), workspaces.end(), std::greater<>());
  for (size_t i = kWorkspaceEntriesKept; i < workspaces.size(); ++i) {
    std::error_code ignored;
    fs::remove(workspaces[i].second, ignored);
  }
}

}  // namespace databuild

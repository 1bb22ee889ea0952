// manifest_differences(): a merge of two path-sorted lists, the manifest's
// (JSON, as publish() wrote it) and the directory's (DiskInterface sorts).
#include "manifest_check.h"

#include <map>
#include <nlohmann/json.hpp>

namespace databuild {

std::vector<std::string> manifest_differences(const DiskInterface& disk,
                                              const PartitionRecord& version) {
  Expected<std::vector<FileEntry>> files = disk.list_files(version.path);
  if (!files) return {files.error()};
  std::map<std::string, uint64_t> recorded;
  nlohmann::json manifest = nlohmann::json::parse(version.manifest, nullptr, false);
  if (manifest.is_array())
    for (const nlohmann::json& entry : manifest)
      if (entry.is_object() && entry.contains("path") && entry.contains("size"))
        recorded[entry["path"].get<std::string>()] = entry["size"].get<uint64_t>();
  std::vector<std::string> differences;
  auto wanted = recorded.begin();
  auto found = files->begin();
  while (wanted != recorded.end() || found != files->end()) {
    if (found == files->end() || (wanted != recorded.end() && wanted->first < found->path)) {
      differences.push_back("removed " + wanted->first);
      ++wanted;
    } else if (wanted == recorded.end() || found->path < wanted->first) {
      differences.push_back("added " + found->path);
      ++found;
    } else {
      if (found->size != wanted->second)
        differences.push_back(found->path + " changed size (" + std::to_string(wanted->second) +
                              " -> " + std::to_string(found->size) + " bytes)");
      ++wanted;
      ++found;
    }
  }
  return differences;
}

}  // namespace databuild

// Has a published version changed since it was recorded? The builder's check
// for a job that wrote outside its staging directory (docs/runtime.md).
//
// A job runs as the user, in the workspace root, with no sandbox: nothing
// stops it writing through a partition's link into a published version (its
// own output's previous version, or an input it was meant only to read).
// What the runtime can check cheaply and honestly is the version against its
// manifest: the file names and sizes recorded at publishing. A change that
// keeps every name and size is not seen (that would mean re-hashing every
// input after every job); writes anywhere else are not seen either.
#pragma once

#include <string>
#include <vector>

#include "catalog.h"
#include "disk.h"

namespace databuild {

// How `version`'s files on disk differ from its manifest, one phrase per
// file ("added x.txt", "removed y.txt", "y.txt changed size (3 -> 5 bytes)"),
// in path order; empty when they match. A directory that cannot be listed
// is one phrase saying so.
std::vector<std::string> manifest_differences(const DiskInterface& disk,
                                              const PartitionRecord& version);

}  // namespace databuild

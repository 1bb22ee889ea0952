// Settling fresh partitions in bulk: the no-op build over a million partitions.
//
// The planner's walk (plan.h) makes a node per partition, resolves its job
// target and decides it; over a million partitions that object graph, not
// the disk, was most of the time and memory. A dataset with a uniform
// producer (resolve.h: every target is the same up to the partition's own
// values) needs none of it to find its fresh partitions: the `run` arguments
// give each target's fingerprint (one for all when they interpolate nothing),
// and since such a job reads no inputs, a partition is fresh exactly when its
// current version is live, was built by a run with that fingerprint, and its
// link names that version's directory, which exists. Those are the only ones settled here. Every
// other partition (missing, invalidated, hand-made, built by another definition, its link deleted
// or re-pointed) goes through the walk, which gives it its reason, so the rules and reasons stay
// those of plan.cc.
//
// What is left per partition -- its name, a probe of a flat hash table of the
// catalog's refs, readlink(2) and stat(2) -- touches nothing shared, so it
// runs on every core. The two system calls are made relative to the open
// directories of the links and of the versions (DiskInterface::
// open_directory): walking each path from the root cost a tenth more, and on
// two threads the shared parent entries made them contend.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog.h"
#include "disk.h"
#include "partition_ref.h"

namespace databuild {

// For each of `partitions` (of one dataset with a uniform producer), whether
// it is fresh: its live version in `built` was made by one of `fresh_runs`
// (the runs with the producer's current fingerprint, ascending) and is on
// disk under `data_root`. Calls only `disk`'s const reads, from up to
// `threads` threads at once.
std::vector<char> fresh_in_bulk(const DiskInterface& disk, const std::string& data_root,
                                const BuiltVersions& built, const std::vector<int64_t>& fresh_runs,
                                const std::vector<const PartitionRef*>& partitions,
                                unsigned threads);

}  // namespace databuild

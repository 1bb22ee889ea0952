// Test support: run the analyzer over in-memory files and compare its
// diagnostics with a compact expectation list.
//
// An expectation is "path:line:col: severity: code" (1-based line and column,
// columns in bytes, as `databuild check` prints them), listed in the order the
// analyzer reports them (by file, then position). On a mismatch the failure
// shows every actual diagnostic with its message, so a failing case can be
// fixed from the test output alone.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "workspace.h"

namespace databuild::testing {

using Sources = std::vector<std::pair<std::string, std::string>>;

// Analyzes `sources` as one workspace rooted at "/ws". Adds "workspace.dbuild"
// holding `workspace w {}` when absent. A text's leading newline is dropped, so
// a raw string can start on the line after `R"(` and still begin at line 1.
std::unique_ptr<Analysis> analyze(Sources sources);

// "path:line:col: severity: code" for each diagnostic of `analysis`.
std::vector<std::string> summarize(const Analysis& analysis, bool with_messages = false);

// Succeeds when analyzing `sources` reports exactly `expected`, in order.
::testing::AssertionResult diagnoses(Sources sources, const std::vector<std::string>& expected);

// A file's whole content ("" when it cannot be read).
std::string read_text(const std::string& path);

// Sample inputs for round-trip tests: the input of every grammar corpus case
// (valid and broken alike) and every example .dbuild file.
std::vector<std::string> sample_sources();

}  // namespace databuild::testing

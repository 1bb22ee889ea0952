// Linking: name resolution and the workspace-wide checks.
//
// link() takes every file's FileModel, fills their "linked" fields (pattern
// targets, key indices, resolved types), and produces a LinkedWorkspace: the
// symbol tables, every reference from a use to its definition (the basis of
// go-to-definition, find-references and rename), producers and readers of each
// dataset, and the diagnostics. It never fails: unresolved names are reported
// and left unlinked (nullptr / -1 / KeyKind::Unknown), and later checks skip
// what they cannot judge instead of piling errors onto one mistake.
//
// Pointers in a LinkedWorkspace point into the FileModels it was linked from;
// they stay valid until those FileModels are modified or moved.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "flow.h"
#include "identity_map.h"
#include "model.h"

namespace databuild {

enum class SymbolKind {
  Workspace,
  Policy,
  Type,
  Dataset,
  Job,
  Key,
  Column,
  Parameter,
  Port,
  EnumValue,
  EnvVar,
  Function,
};

std::string_view symbol_kind_name(SymbolKind kind);

// A use of a name and the definition it resolved to.
struct Reference {
  Location location;  // the use
  SymbolKind kind;
  Location definition;  // the defining name
};

// A declaration site: for symbol lists, rename and references.
struct Definition {
  SymbolKind kind;
  Symbol name;
  Location location;     // the name
  Location declaration;  // the whole declaration
  Symbol container;      // the enclosing dataset or job, if any
};

// One job port that reads or writes a dataset.
struct PortRef {
  const Job* job;
  const Port* port;
};

// The ports that write (or read) each dataset.
using PortsByDataset = IdentityMap<const Dataset*, std::vector<PortRef>>;

struct LinkedWorkspace {
  const Workspace* workspace = nullptr;
  // Policies, types and datasets share one namespace; jobs have their own.
  SymbolMap<const Policy*> policies;
  SymbolMap<const TypeDecl*> types;
  SymbolMap<const Dataset*> datasets;
  SymbolMap<const Job*> jobs;

  // The navigation index; empty unless linked with LinkOptions::navigation.
  std::vector<Definition> definitions;
  std::vector<Reference> references;
  PortsByDataset producers;
  PortsByDataset readers;
  // Labels of each dataset and where they come from (flow.h).
  DataFlow flow;

  std::vector<Diagnostic> diagnostics;

  const Dataset* find_dataset(std::string_view name) const;
  const Job* find_job(std::string_view name) const;
  // The same for a name from the model: hashed when interned, compared by
  // identity.
  const Dataset* find_dataset(Symbol name) const;
  const Job* find_job(Symbol name) const;
};

struct LinkOptions {
  // Fill `definitions` and `references`, the navigation index that only an
  // editor needs. Off for `databuild check`: at 100k jobs the two tables are
  // a quarter of the analysis's memory.
  bool navigation = true;
  // Threads that link datasets and jobs (0: one per core); fewer for a small
  // workspace. The result does not depend on it.
  unsigned threads = 0;
};

// `paths` gives each file's path (indexed by FileId), used to check that the
// workspace declaration sits in workspace.dbuild. The same models may be
// linked again (after some of them were replaced): link() first clears the
// fields a previous link filled in, so the result is as for fresh models.
LinkedWorkspace link(std::vector<FileModel>& files, const std::vector<std::string>& paths,
                     const LinkOptions& options = {});

// "a date", "an int", "a value of enum region (us, eu, apac)".
std::string describe_type(const TypeRef& type);

}  // namespace databuild

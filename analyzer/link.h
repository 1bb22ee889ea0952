// Linking: name resolution and the workspace-wide checks.
//
// link() takes every file's FileModel, fills their "linked" fields (pattern
// targets, key indices, resolved types), and produces a LinkedWorkspace: the
// symbol tables, producers and readers of each dataset, the labels (flow.h)
// and the diagnostics. navigate_file() records, for one file at a time, what
// an editor navigates by: its definitions, and every reference from a use to
// its definition (go-to-definition, find-references, rename). It never fails: unresolved names are
// reported and left unlinked (nullptr / -1 / KeyKind::Unknown), and later checks skip what they
// cannot judge instead of piling errors onto one mistake.
//
// Pointers in a LinkedWorkspace point into the FileModels it was linked from;
// they stay valid until those FileModels are modified or moved.
#pragma once

#include <span>
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

// The ports that write (or read) each dataset, in file order. One array for
// the workspace, grouped by the datasets' link_index (compressed rows): a
// vector per dataset cost a heap block each, for most of them one port.
class PortsByDataset {
 public:
  // The ports of `dataset`; none for a duplicate definition.
  std::span<const PortRef> of(const Dataset& dataset) const;
  // Groups the (dataset, port) pairs of `found`, keeping their order, for
  // `datasets` datasets numbered by link_index, and frees `found`: linking
  // holds the most memory just then.
  void assign(size_t datasets, std::vector<std::pair<const Dataset*, PortRef>>&& found);

 private:
  std::vector<PortRef> ports_;
  // The ports of the dataset with link_index i: [first_[i], first_[i + 1]).
  std::vector<uint32_t> first_;
};

struct LinkedWorkspace {
  const Workspace* workspace = nullptr;
  // Policies, types and datasets share one namespace; jobs have their own.
  SymbolMap<const Policy*> policies;
  SymbolMap<const TypeDecl*> types;
  SymbolMap<const Dataset*> datasets;
  SymbolMap<const Job*> jobs;

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

// One file's navigation index: the names it defines and every use in it of a
// name defined anywhere, with the definition it resolved to. Only an editor
// needs it, one file at a time (the symbol under the cursor, the tokens to
// highlight) or streamed over every file (find references, rename); kept for
// the whole workspace it was a fifth of the language server's memory at 100k
// jobs, so it is recorded on demand instead.
struct FileNavigation {
  std::vector<Definition> definitions;
  std::vector<Reference> references;
};

// Links `files[file]` again against `linked`, the result of link(files)
// with `files` unchanged since, recording its navigation index. The linked
// fields it writes get the values they already hold, so the models end as
// they were. Costs about what linking that one file cost.
FileNavigation navigate_file(std::vector<FileModel>& files, const LinkedWorkspace& linked,
                             FileId file);

// "a date", "an int", "a value of enum region (us, eu, apac)".
std::string describe_type(const TypeRef& type);

}  // namespace databuild

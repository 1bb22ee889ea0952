// The hovered symbol is found again in the models from its defining name, so
// that hovering a use and hovering the declaration show the same text. Source
// snippets (bounds, patterns) are quoted from the text as written rather than
// re-printed from the model, so they read as the user wrote them.
#include "Hover.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace databuild::lsp {

namespace {

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string join_names(std::span<const Name> names) {
  std::string joined;
  for (const Name& name : names) joined += (joined.empty() ? "" : ", ") + code(name.text);
  return joined;
}

class HoverWriter {
 public:
  HoverWriter(const Analysis& analysis, const Location& definition)
      : analysis_(analysis), definition_(definition) {}

  std::string write() {
    for (const FileModel& model : analysis_.models) {
      if (model.workspace && defines(model.workspace->name)) return workspace(*model.workspace);
      for (const Policy& policy : model.policies) {
        if (defines(policy.name)) return this->policy(policy);
      }
      for (const TypeDecl& type : model.types) {
        if (defines(type.name)) return type_declaration(type);
        if (std::string value = enum_value(type.enumeration, type.name.text); !value.empty())
          return value;
      }
      for (const Dataset& dataset : model.datasets) {
        if (defines(dataset.name)) return this->dataset(dataset);
        if (std::string member = dataset_member(dataset); !member.empty()) return member;
      }
      for (const Job& job : model.jobs) {
        if (defines(job.name)) return this->job(job);
        if (std::string member = job_member(job); !member.empty()) return member;
      }
    }
    return "";
  }

 private:
  bool defines(const Name& name) const { return same_location(name.location, definition_); }
  std::string_view source(const Location& location) const { return text_at(analysis_, location); }

  static std::string headed(std::string_view kind, std::string_view name, std::string_view doc) {
    std::string text = "**" + std::string(kind) + "** " + code(name);
    if (!doc.empty()) text += "\n\n" + std::string(doc);
    return text;
  }

  std::string workspace(const Workspace& workspace) const {
    std::ostringstream out;
    out << headed("workspace", workspace.name.text, "") << "\n\n"
        << "- data root: " << code(analysis_.data_root()) << "\n"
        << "- catalog: " << code(analysis_.catalog());
    return out.str();
  }

  // A policy and where it is applied: taints, denials, removals.
  std::string policy(const Policy& policy) const {
    std::set<std::pair<FileId, uint32_t>> uses;
    for (const Location& use : references_to(analysis_, definition_, false))
      uses.emplace(use.file, use.range.begin);
    auto names_it = [&](std::span<const Name> names) {
      return std::any_of(names.begin(), names.end(), [&](const Name& name) {
        return uses.count({name.location.file, name.location.range.begin}) > 0;
      });
    };
    std::string tainted, denied, removed;
    auto add = [](std::string& list, std::string_view item) {
      list += (list.empty() ? "" : ", ") + code(item);
    };
    for (const FileModel& model : analysis_.models) {
      for (const Dataset& dataset : model.datasets) {
        if (names_it(dataset.taints)) add(tainted, dataset.name.text);
        for (const Column& column : dataset.columns) {
          if (names_it(column.taints)) add(tainted, dataset.name.text + "." + column.name.text);
        }
        if (names_it(dataset.denies)) add(denied, dataset.name.text);
      }
      for (const Job& job : model.jobs) {
        for (const Removal& removal : job.removals) {
          if (names_it(removal.policies)) add(removed, job.name.text);
        }
      }
    }
    std::string text = headed("policy", policy.name.text, policy.doc);
    if (!tainted.empty()) text += "\n\nTainted: " + tainted;
    if (!denied.empty()) text += "\n\nDenied by: " + denied;
    if (!removed.empty()) text += "\n\nRemoved by: " + removed;
    return text;
  }

  std::string type_declaration(const TypeDecl& type) const {
    return headed("type", type.name.text, type.doc) + "\n\n" +
           code(source(type.enumeration.location));
  }

  std::string enum_value(const EnumType& enumeration, std::string_view owner) const {
    for (const EnumValue& value : enumeration.values) {
      if (same_location(value.location, definition_))
        return "**enum value** " + code(source(value.location)) + " of " + code(owner);
    }
    return "";
  }

  std::string key_line(const KeyDecl& key) const {
    std::string line = code(key.name.text) + ": " + code(key.type.display);
    if (key.type.enumeration && !key.type.name.empty())
      line += " = " + code(source(key.type.enumeration->location));
    if (key.since) line += ", since " + code(source(key.since->location));
    if (key.until) line += ", until " + code(source(key.until->location));
    return line;
  }

  static std::string column_line(const Column& column) {
    std::string line = code(column.name.text) + ": " + code(column.type.text);
    if (!column.taints.empty()) line += " (taint " + join_names(column.taints) + ")";
    return line;
  }

  std::string port_line(const Job& job, const Port& port) const {
    return "job " + code(job.name.text) + ", " +
           (port.kind == PortKind::Input ? "input " : "output ") + code(port.name.text) + " = " +
           code(source(port.pattern.location));
  }

  std::string port_list(std::string_view heading, const Dataset& dataset,
                        const PortsByDataset& table, std::string_view when_none) const {
    std::string text = "\n\n" + std::string(heading) + ":";
    std::span<const PortRef> ports = table.of(dataset);
    if (ports.empty()) return text + " " + std::string(when_none);
    for (const PortRef& ref : ports) text += "\n- " + port_line(*ref.job, *ref.port);
    return text;
  }

  std::string dataset(const Dataset& dataset) const {
    std::string text = headed(dataset.is_external() ? "external dataset" : "dataset",
                              dataset.name.text, dataset.doc);
    text += "\n\nKeys:";
    if (dataset.keys.empty()) text += " none (one partition)";
    for (const KeyDecl& key : dataset.keys) text += "\n- " + key_line(key);
    text += "\n\nColumns:";
    if (dataset.columns.empty()) text += " not declared (unknown schema)";
    for (const Column& column : dataset.columns) text += "\n- " + column_line(column);
    if (!dataset.taints.empty()) text += "\n\nTaints: " + join_names(dataset.taints);
    if (!dataset.denies.empty()) text += "\n\nDenies: " + join_names(dataset.denies);
    const LinkedWorkspace& linked = analysis_.linked;
    text += port_list("Produced by", dataset, linked.producers,
                      dataset.is_external() ? "delivered from outside" : "no job");
    text += port_list("Read by", dataset, linked.readers, "no job");
    return text;
  }

  std::string dataset_member(const Dataset& dataset) const {
    std::string owner = " of dataset " + code(dataset.name.text);
    for (const KeyDecl& key : dataset.keys) {
      if (defines(key.name)) return "**key** " + key_line(key) + owner;
      if (std::string value = key_enum_value(key.type, dataset.name.text); !value.empty())
        return value;
    }
    for (const Column& column : dataset.columns) {
      if (defines(column.name)) return "**column** " + column_line(column) + owner;
    }
    return "";
  }

  std::string key_enum_value(const TypeRef& type, std::string_view owner) const {
    return type.inline_enum ? enum_value(*type.inline_enum, owner) : "";
  }

  std::string job(const Job& job) const {
    std::string text = headed("job", job.name.text, job.doc);
    if (!job.parameters.empty()) {
      text += "\n\nParameters:";
      for (const Parameter& parameter : job.parameters)
        text += "\n- " + code(parameter.name.text) + ": " + code(parameter.type.display);
    }
    for (const auto* ports : {&job.inputs, &job.outputs}) {
      if (ports->empty()) continue;
      text += ports == &job.inputs ? "\n\nInputs:" : "\n\nOutputs:";
      for (const Port& port : *ports)
        text += "\n- " + code(port.name.text) + " = " + code(source(port.pattern.location));
    }
    return text;
  }

  std::string job_member(const Job& job) const {
    std::string owner = " of job " + code(job.name.text);
    for (const Parameter& parameter : job.parameters) {
      if (defines(parameter.name))
        return "**parameter** " + code(parameter.name.text) + ": " + code(parameter.type.display) +
               owner;
      if (std::string value = key_enum_value(parameter.type, job.name.text); !value.empty())
        return value;
    }
    for (const auto* ports : {&job.inputs, &job.outputs}) {
      for (const Port& port : *ports) {
        if (defines(port.name))
          return std::string(port.kind == PortKind::Input ? "**input** " : "**output** ") +
                 code(port.name.text) + " = " + code(source(port.pattern.location)) + owner;
      }
    }
    for (const EnvVar& env : job.env) {
      if (defines(env.name))
        return "**environment variable** " + code(env.name.text) + " = " +
               code(source(env.value.location)) + owner;
    }
    return "";
  }

  const Analysis& analysis_;
  Location definition_;
};

}  // namespace

std::string hover_markdown(const Analysis& analysis, const SymbolAt& symbol) {
  return HoverWriter(analysis, symbol.definition).write();
}

}  // namespace databuild::lsp

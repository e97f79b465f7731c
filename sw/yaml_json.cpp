// SPDX-License-Identifier: Apache-2.0
#include "sw/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace {

using Json = nlohmann::ordered_json;

// YAML as JSON: maps, sequences and scalars; "true"/"false" are booleans, other scalars text.
Json yaml_to_json(const YAML::Node& node, const std::string& name) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        if (j.contains(key)) throw InputError(name + ": key '" + printable(key) + "' appears twice");
        j[key] = yaml_to_json(kv.second, name);
      }
      return j;
    }
    case YAML::NodeType::Sequence: {
      Json j = Json::array();
      for (const auto& item : node) j.push_back(yaml_to_json(item, name));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = node.Scalar();
      if (node.Tag() != "!" && (s == "true" || s == "false")) return s == "true";
      return s;
    }
    default:
      throw InputError(name + ": a value is empty (null)");
  }
}

}  // namespace

Json parse_yaml(const std::string& text, const std::string& name) {
  try {
    return yaml_to_json(YAML::Load(text), name);
  } catch (const YAML::Exception& e) {
    throw InputError(name + ": not valid YAML: " + printable(e.what()));
  }
}

}  // namespace wb::sw

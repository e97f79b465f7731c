// SPDX-License-Identifier: Apache-2.0
#include "sw/yaml_json.hpp"

#include <cstdint>

#include <yaml-cpp/yaml.h>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace {

using Json = nlohmann::ordered_json;

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): JSON text must
// be, and nlohmann::json throws a type_error when it writes a string that is not.
bool is_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (extra >= s.size() - i) return false;  // cut short
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

// A key or scalar as JSON text.
std::string utf8_text(const std::string& s, const std::string& name) {
  if (!is_utf8(s)) throw InputError(name + ": not valid YAML: a key or value is not UTF-8 text");
  return s;
}

// YAML as JSON: maps, sequences and scalars; "true"/"false" are booleans, other scalars text.
Json yaml_to_json(const YAML::Node& node, const std::string& name) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : node) {
        const std::string key = utf8_text(kv.first.as<std::string>(), name);
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
      const std::string s = utf8_text(node.Scalar(), name);
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

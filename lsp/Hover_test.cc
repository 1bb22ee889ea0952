// Hover text for each kind of symbol, found from a use or from the definition.
#include "Hover.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

constexpr const char* kWorkspace = R"(workspace w { data_root "warehouse" }
# Personal data.
policy pii
type region = enum(us, eu)
# Raw clicks.
dataset raw[day: date since 2024-01-01 until now - 1d, region: region] {
  external
  column user: string (taint pii)
}
dataset tidy[day: date since 2024-01-01] { column user: string }
# Tidies the clicks.
job tidy(day: date) {
  input  src = raw[day = day, region = eu] { user }
  output out = tidy[day = day]
  removes pii because "hashed"
  run ["t", "{day}"]
  env DAY = "{day}"
}
)";

class HoverTest : public testing::Test {
 protected:
  void SetUp() override {
    analysis_ = analyze_sources("/w", {{"/w/workspace.dbuild", kWorkspace}});
  }
  // The hover of the symbol at the `nth` occurrence of `needle`.
  std::string hover_at(std::string_view needle, int nth = 1) {
    std::string_view text = analysis_->files[0].text;
    size_t at = std::string_view::npos;
    for (int i = 0; i < nth; ++i) at = text.find(needle, at + 1);
    std::optional<SymbolAt> symbol = symbol_at(*analysis_, 0, static_cast<uint32_t>(at));
    return symbol ? hover_markdown(*analysis_, *symbol) : "(no symbol)";
  }
  std::unique_ptr<Analysis> analysis_;
};

TEST_F(HoverTest, DatasetShowsDocKeysColumnsProducersAndReaders) {
  EXPECT_EQ(hover_at("raw[day = day"),
            "**external dataset** `raw`\n\nRaw clicks.\n\n"
            "Keys:\n"
            "- `day`: `date`, since `2024-01-01`, until `now - 1d`\n"
            "- `region`: `region` = `enum(us, eu)`\n\n"
            "Columns:\n- `user`: `string` (taint `pii`)\n\n"
            "Produced by: delivered from outside\n\n"
            "Read by:\n- job `tidy`, input `src` = `raw[day = day, region = eu]`");
  EXPECT_EQ(hover_at("tidy["),
            "**dataset** `tidy`\n\nKeys:\n- `day`: `date`, since `2024-01-01`\n\n"
            "Columns:\n- `user`: `string`\n\n"
            "Produced by:\n- job `tidy`, output `out` = `tidy[day = day]`\n\nRead by: no job");
}

TEST_F(HoverTest, JobAndItsMembers) {
  EXPECT_EQ(hover_at("tidy(day"),
            "**job** `tidy`\n\nTidies the clicks.\n\nParameters:\n- `day`: `date`\n\n"
            "Inputs:\n- `src` = `raw[day = day, region = eu]`\n\n"
            "Outputs:\n- `out` = `tidy[day = day]`");
  EXPECT_EQ(hover_at("{day}"), "(no symbol)");  // the brace itself
  EXPECT_EQ(hover_at("day}"), "**parameter** `day`: `date` of job `tidy`");
  EXPECT_EQ(hover_at("src"), "**input** `src` = `raw[day = day, region = eu]` of job `tidy`");
  EXPECT_EQ(hover_at("DAY"), "**environment variable** `DAY` = `\"{day}\"` of job `tidy`");
}

TEST_F(HoverTest, DeclarationsAndMembers) {
  EXPECT_EQ(hover_at("pii"),
            "**policy** `pii`\n\nPersonal data.\n\nTainted: `raw.user`\n\nRemoved by: `tidy`");
  EXPECT_EQ(hover_at("region ="), "**type** `region`\n\n`enum(us, eu)`");
  EXPECT_EQ(hover_at("eu]"), "**enum value** `eu` of `region`");
  EXPECT_EQ(hover_at("user:"), "**column** `user`: `string` (taint `pii`) of dataset `raw`");
  EXPECT_EQ(hover_at("w {"),
            "**workspace** `w`\n\n- data root: `warehouse`\n- catalog: "
            "`.databuild/catalog.db`");
}

}  // namespace
}  // namespace databuild::lsp

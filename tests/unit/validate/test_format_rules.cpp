// Format-time rules (kafka-storage.sh format): StorageTool.runFormatCommand and Formatter.
#include "helpers.hpp"

using namespace vt;

namespace {
const ka::FormatOptions kNone{};
const ka::FormatOptions kStandalone{true, false, false};
const ka::FormatOptions kInitial{false, true, false};
const ka::FormatOptions kNoInitial{false, false, true};

ka::Properties dynamic_controller() {
  return with(controller(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
}
}  // namespace

TEST_CASE("static-quorum nodes format without flags on every version", "[validate][format]") {
  for (const char* v : {"3.6.0", "3.8.1", "3.9.0", "4.0.0", "4.2.0"}) {
    INFO("kafka " << v);
    CHECK(run(controller(), v, kNone).empty());
    CHECK(run(broker(), v, kNone).empty());
    CHECK(run(combined(), v, kNone).empty());
  }
}

TEST_CASE("only KRaft nodes are formatted", "[format.kraft-only]") {
  EXPECT_ERROR(run(zk_broker(), "3.9.0", kNone), "format.kraft-only");
  EXPECT_NONE(run(zk_broker(), "3.9.0"), "format.kraft-only");  // no format options: start-up rules only
}

TEST_CASE("dynamic-quorum format flags exist from 3.9", "[format.dynamic-flags-version]") {
  EXPECT_ERROR(run(controller(), "3.8.1", kStandalone), "format.dynamic-flags-version");
  EXPECT_ERROR(run(broker(), "3.6.0", kNoInitial), "format.dynamic-flags-version");
  EXPECT_NONE(run(dynamic_controller(), "3.9.0", kStandalone), "format.dynamic-flags-version");
}

TEST_CASE("one dynamic-quorum flag at a time", "[format.flags-exclusive]") {
  EXPECT_ERROR(run(dynamic_controller(), "3.9.0", ka::FormatOptions{true, true, false}), "format.flags-exclusive");
  EXPECT_ERROR(run(dynamic_controller(), "4.2.0", ka::FormatOptions{true, false, true}), "format.flags-exclusive");
  EXPECT_NONE(run(dynamic_controller(), "4.2.0", kInitial), "format.flags-exclusive");
}

TEST_CASE("--standalone only on a controller", "[format.standalone-controller]") {
  auto b = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
  EXPECT_ERROR(run(b, "3.9.0", kStandalone), "format.standalone-controller");
  EXPECT_ERROR(run(b, "4.2.0", kStandalone), "format.standalone-controller");
  EXPECT_NONE(run(dynamic_controller(), "4.2.0", kStandalone), "format.standalone-controller");
}

TEST_CASE("static voters with --standalone/--initial-controllers: refused from 4.2", "[format.static-voters-dynamic-flag]") {
  EXPECT_ERROR(run(controller(), "4.2.0", kStandalone), "format.static-voters-dynamic-flag");
  EXPECT_ERROR(run(controller(), "4.2.0", kInitial), "format.static-voters-dynamic-flag");
  EXPECT_WARNING(run(controller(), "4.1.1", kStandalone), "format.static-voters-dynamic-flag");
  EXPECT_WARNING(run(controller(), "3.9.0", kInitial), "format.static-voters-dynamic-flag");
  // --no-initial-controllers with static voters stays valid (KAFKA-19719)
  EXPECT_NONE(run(controller(), "4.2.0", kNoInitial), "format.static-voters-dynamic-flag");
  CHECK(run(controller(), "4.2.0", kNoInitial).empty());
}

TEST_CASE("a controller without static voters needs a dynamic-quorum flag", "[format.dynamic-needs-flag]") {
  EXPECT_ERROR(run(dynamic_controller(), "3.9.0", kNone), "format.dynamic-needs-flag");
  EXPECT_ERROR(run(dynamic_controller(), "4.0.0", kNone), "format.dynamic-needs-flag");
  EXPECT_NONE(run(dynamic_controller(), "4.0.0", kNoInitial), "format.dynamic-needs-flag");
  EXPECT_NONE(run(dynamic_controller(), "4.0.0", kInitial), "format.dynamic-needs-flag");
  // a broker needs none
  auto b = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
  EXPECT_NONE(run(b, "4.0.0", kNone), "format.dynamic-needs-flag");
}

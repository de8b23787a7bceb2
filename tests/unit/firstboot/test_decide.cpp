// First-boot decisions, table-driven: metadata (+ user-data) + what is on the data volume ->
// the node, or one error naming what is missing and where to set it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "firstboot/decide.hpp"

using namespace ka;
using namespace ka::firstboot;

namespace {

const std::string kCluster = "MkU3OEVBNTcwNTJENDM2Qk";
const std::string kVoters = "1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093";

cloud::InstanceMetadata md(const std::string& ip, std::map<std::string, std::string> tags, std::optional<std::string> ud = {},
                           bool tags_visible = true) {
  cloud::InstanceMetadata m;
  m.source = "http://169.254.169.254";
  m.instance_id = "i-0abc";
  m.local_ipv4 = ip;
  m.availability_zone = "us-east-1b";
  m.tags_visible = tags_visible;
  for (auto& [k, v] : tags) m.tags["kafka-appliance:" + k] = v;
  m.user_data = std::move(ud);
  return m;
}

std::string text(const Error& e) {
  std::string s = e.message;
  for (const auto& n : e.notes) s += "\n" + n;
  return s;
}

// decide(IN), which must succeed (else the test fails with its error and notes).
FirstbootDecision decided(const FirstbootInput& in) {
  auto d = decide(in);
  if (!d.ok()) FAIL(text(d.error()));
  return *d;
}

std::string notes(const FirstbootDecision& d) {
  std::string s;
  for (const auto& n : d.notes) s += n + "\n";
  return s;
}

}  // namespace

TEST_CASE("first boot: good metadata decides the node", "[firstboot]") {
  struct Row {
    const char* name;
    FirstbootInput in;
    std::string role, node_id, rack;
    std::vector<std::string> controllers, bootstrap, advertise;
    DynamicFormat format;
    std::vector<std::string> initial;
    std::string note;  // a note that must be there
  };
  auto with = [](cloud::InstanceMetadata m, auto f) {
    FirstbootInput in;
    in.md = std::move(m);
    f(in);
    return in;
  };
  auto plain = [&](cloud::InstanceMetadata m) { return with(std::move(m), [](FirstbootInput&) {}); };
  std::vector<Row> rows = {
      {"static controller found by its address in the controllers list",
       plain(md("10.0.1.12", {{"role", "controller"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       "controller", "2", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {}, {},
       DynamicFormat::automatic, {}, "address 10.0.1.12 in the controllers list"},
      {"broker with an explicit node-id tag, rack and advertised address from the metadata",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "101"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       "broker", "101", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.2.21:9092"}, DynamicFormat::automatic, {}, "tag kafka-appliance:node-id"},
      {"broker with --node-id-from ip", with(md("10.0.2.21", {{"role", "broker"}, {"cluster-id", kCluster}, {"controllers", kVoters}}),
                                             [](FirstbootInput& i) { i.node_id_from = NodeIdFrom::ip; }),
       "broker", "533", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.2.21:9092"}, DynamicFormat::automatic, {}, "--node-id-from ip (10.0.2.21)"},
      {"--node-id-from ip set in the user-data (the Terraform example's brokers)",
       plain(md("10.0.3.4", {{"role", "broker"}, {"cluster-id", kCluster}, {"controllers", kVoters}}, "node-id-from = \"ip\"\nbroker-count = 3\n")),
       "broker", "772", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.3.4:9092"}, DynamicFormat::automatic, {}, "--node-id-from ip (10.0.3.4)"},
      {"everything from user-data, the image's role as fallback unused",
       with(md("10.0.2.22", {}, "role = \"broker\"\nnode-id = 7\ncluster-id = \"" + kCluster +
                                    "\"\ncontroller = [\"1@10.0.1.11:9093\"]\nrack = \"rack-a\"\nadvertise = \"PLAINTEXT://b7.internal:9092\"\nmirror = \"http://m.example/\"\n",
               false),
            [](FirstbootInput& i) { i.image_role = "controller"; }),
       "broker", "7", "rack-a", {"1@10.0.1.11:9093"}, {}, {"PLAINTEXT://b7.internal:9092"}, DynamicFormat::automatic, {},
       "user-data node-id"},
      {"the image's role when nothing else says",
       with(md("10.0.2.23", {{"node-id", "8"}, {"cluster-id", kCluster}, {"controllers", kVoters}}),
            [](FirstbootInput& i) { i.image_role = "broker"; }),
       "broker", "8", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.2.23:9092"}, DynamicFormat::automatic, {}, "role broker from the image"},
      {"dynamic quorum, an initial controller",
       plain(md("10.0.1.13", {{"role", "controller"}, {"cluster-id", kCluster}, {"controllers", kVoters}, {"quorum", "dynamic"}})),
       "controller", "3", "us-east-1b", {}, {"10.0.1.11:9093", "10.0.1.12:9093", "10.0.1.13:9093"}, {"CONTROLLER://10.0.1.13:9093"},
       DynamicFormat::initial_controllers, {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, "initial controllers"},
      {"dynamic quorum, a later controller joins",
       plain(md("10.0.1.14", {{"role", "controller"}, {"node-id", "4"}, {"cluster-id", kCluster}, {"controllers", kVoters},
                              {"quorum", "dynamic"}})),
       "controller", "4", "us-east-1b", {}, {"10.0.1.11:9093", "10.0.1.12:9093", "10.0.1.13:9093"}, {"CONTROLLER://10.0.1.14:9093"},
       DynamicFormat::no_initial_controllers, {}, "--no-initial-controllers"},
      {"dynamic quorum, an initial controller told to join (--no-initial-controllers)",
       with(md("10.0.1.13", {{"role", "controller"}, {"cluster-id", kCluster}, {"controllers", kVoters}, {"quorum", "dynamic"}}),
            [](FirstbootInput& i) { i.no_initial_controllers = true; }),
       "controller", "3", "us-east-1b", {}, {"10.0.1.11:9093", "10.0.1.12:9093", "10.0.1.13:9093"}, {"CONTROLLER://10.0.1.13:9093"},
       DynamicFormat::no_initial_controllers, {}, "joins the running quorum"},
      {"dynamic quorum, a broker",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "101"}, {"cluster-id", kCluster}, {"controllers", kVoters},
                              {"quorum", "dynamic"}})),
       "broker", "101", "us-east-1b", {}, {"10.0.1.11:9093", "10.0.1.12:9093", "10.0.1.13:9093"}, {"PLAINTEXT://10.0.2.21:9092"},
       DynamicFormat::no_initial_controllers, {}, "tag kafka-appliance:node-id"},
      {"dynamic quorum from user-data",
       plain(md("10.0.1.11", {}, "role = \"controller\"\ncluster-id = \"" + kCluster +
                                     "\"\ncontroller-bootstrap = [\"10.0.1.11:9093\", \"10.0.1.12:9093\"]\ninitial-controller = \"1@10.0.1.11:9093,2@10.0.1.12:9093\"\n")),
       "controller", "1", "us-east-1b", {}, {"10.0.1.11:9093", "10.0.1.12:9093"}, {"CONTROLLER://10.0.1.11:9093"}, DynamicFormat::initial_controllers,
       {"1@10.0.1.11:9093", "2@10.0.1.12:9093"}, "address 10.0.1.11"},
      {"identity follows the data: meta.properties wins over the tags, and says so",
       with(md("10.0.2.99", {{"role", "broker"}, {"node-id", "555"}, {"cluster-id", "AAAAAAAAAAAAAAAAAAAAAA"}, {"controllers", kVoters}}),
            [](FirstbootInput& i) {
              i.existing = ExistingIdentity{MetaProperties{1, kCluster, 101, "dir-id-xyz"}, "/var/lib/kafka/data/meta.properties"};
            }),
       "broker", "101", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.2.99:9092"}, DynamicFormat::automatic, {},
       "kept node ID 101, directory ID dir-id-xyz and cluster ID MkU3OEVBNTcwNTJENDM2Qk from /var/lib/kafka/data/meta.properties "
       "(tag kafka-appliance:node-id says 555): identity follows the data"},
      {"a shell-script user-data is ignored, with a note",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "101"}, {"cluster-id", kCluster}, {"controllers", kVoters}},
                "#!/bin/bash\necho hi\n")),
       "broker", "101", "us-east-1b", {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"}, {},
       {"PLAINTEXT://10.0.2.21:9092"}, DynamicFormat::automatic, {}, "script or cloud-config"},
  };
  for (const auto& r : rows) {
    SECTION(r.name) {
      INFO(r.name);
      auto d = decided(r.in);
      CHECK(d.node.role == r.role);
      CHECK(d.node.node_id == r.node_id);
      CHECK(d.node.rack == r.rack);
      CHECK(d.node.controllers == r.controllers);
      CHECK(d.node.controller_bootstrap == r.bootstrap);
      CHECK(d.node.advertise == r.advertise);
      CHECK(d.format == r.format);
      CHECK(d.initial_controllers == r.initial);
      CHECK_THAT(notes(d), Catch::Contains(r.note));
      if (r.in.existing) CHECK(d.node.cluster_id == r.in.existing->meta.cluster_id);
      else CHECK(d.node.cluster_id == kCluster);
    }
  }
}

TEST_CASE("first boot: other user-data keys go on to the command's config parser", "[firstboot]") {
  FirstbootInput in;
  in.md = md("10.0.2.22", {}, "role = \"broker\"\nnode-id = 7\ncluster-id = \"" + kCluster +
                                  "\"\ncontroller = \"1@10.0.1.11:9093\"\nmirror = \"http://m.example/\"\nset = [\"num.partitions=3\"]\n");
  auto d = decide(in);
  REQUIRE(d.ok());
  REQUIRE(d->other_keys.size() == 1);
  CHECK(d->other_keys[0].first == "mirror");
  CHECK(d->node.sets == std::vector<std::string>{"num.partitions=3"});
}

TEST_CASE("first boot: bad metadata is one error naming what is missing and where to set it", "[firstboot]") {
  struct Row {
    const char* name;
    FirstbootInput in;
    std::vector<std::string> says;
    Exit code = Exit::usage;
  };
  auto plain = [](cloud::InstanceMetadata m) {
    FirstbootInput in;
    in.md = std::move(m);
    return in;
  };
  std::vector<Row> rows = {
      {"no role, tags not enabled",
       plain(md("10.0.2.21", {}, std::nullopt, false)),
       {"no role for this instance (i-0abc)", "kafka-appliance:role", "InstanceMetadataTags=enabled", "role = \"broker\""}},
      {"no role, tags visible: no hint about InstanceMetadataTags",
       plain(md("10.0.2.21", {{"cluster-id", kCluster}})),
       {"no role", "kafka-appliance:role"}},
      {"no node ID",
       plain(md("10.0.2.21", {{"role", "broker"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       {"no node ID for this instance (i-0abc, 10.0.2.21)", "kafka-appliance:node-id", "node-id = 1", "--node-id-from ip"}},
      {"no cluster ID",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "5"}, {"controllers", kVoters}})),
       {"no cluster ID", "kafka-appliance:cluster-id", "cluster-id = "}},
      {"no controllers",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "5"}, {"cluster-id", kCluster}})),
       {"no controllers", "kafka-appliance:controllers", "controller = "}},
      {"malformed user-data",
       plain(md("10.0.2.21", {}, "role = \"broker\"\nthis is not toml\n")),
       {"user-data line 2 is not KEY = VALUE", "appliance.toml"}},
      {"user-data and a tag disagree",
       plain(md("10.0.2.21", {{"role", "controller"}}, "role = \"broker\"\n")),
       {"user-data says role = broker but the tag kafka-appliance:role says controller"}},
      {"a broker's node ID taken by a controller",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "2"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       {"node ID 2 (from tag kafka-appliance:node-id) is already taken by controller 2@10.0.1.12:9093"}},
      {"a controller claiming another controller's ID",
       plain(md("10.0.1.11", {{"role", "controller"}, {"node-id", "3"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       {"node ID 3", "already taken by controller 3@10.0.1.13:9093"}},
      {"a derived ID that a controller holds",
       [&] {
         auto in = plain(md("10.0.0.2", {{"role", "broker"}, {"cluster-id", kCluster}, {"controllers", kVoters}}));
         in.node_id_from = NodeIdFrom::ip;
         return in;
       }(),
       {"node ID 2 (from --node-id-from ip (10.0.0.2)) is already taken"}},
      {"a static controller not in the list",
       plain(md("10.0.1.19", {{"role", "controller"}, {"node-id", "9"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       {"controller node ID 9 is not in the static controllers list", "9@10.0.1.19:9093"}},
      {"an unknown kafka-appliance tag (a typo)",
       plain(md("10.0.2.21", {{"role", "broker"}, {"nodeid", "5"}})),
       {"unknown instance tag kafka-appliance:nodeid", ":node-id"}},
      {"a bad node ID tag",
       plain(md("10.0.2.21", {{"role", "broker"}, {"node-id", "five"}, {"cluster-id", kCluster}, {"controllers", kVoters}})),
       {"tag kafka-appliance:node-id 'five' is not a node ID"}},
      {"a bad quorum tag",
       plain(md("10.0.2.21", {{"role", "broker"}, {"quorum", "raft"}})),
       {"quorum 'raft' is neither static nor dynamic"}},
      {"controllers given twice",
       plain(md("10.0.2.21", {{"role", "broker"}, {"controllers", kVoters}}, "controller = \"1@10.0.1.11:9093\"\n")),
       {"the controllers are given twice"}},
      {"no metadata service, a user-data file without the cluster ID: the file is the place, not a tag",
       [&] {
         auto m = md("10.0.2.21", {}, "role = \"broker\"\nnode-id = 5\ncontroller = \"" + kVoters + "\"\n", false);
         m.user_data_file = "/etc/kafka-appliance/user-data.toml";
         return plain(m);
       }(),
       {"no cluster ID", "set `cluster-id = ", "in the user-data file /etc/kafka-appliance/user-data.toml"}},
  };
  for (const auto& r : rows) {
    SECTION(r.name) {
      auto d = decide(r.in);
      REQUIRE_FALSE(d.ok());
      CHECK(d.error().code == r.code);
      for (const auto& s : r.says) CHECK_THAT(text(d.error()), Catch::Contains(s));
      if (!r.in.md.user_data_file.empty()) {
        CHECK_THAT(text(d.error()), !Catch::Contains("instance tag"));
        CHECK_THAT(text(d.error()), !Catch::Contains("InstanceMetadataTags"));
      }
    }
  }
}

TEST_CASE("--node-id-from ip: 256 * third octet + fourth", "[firstboot]") {
  CHECK(*node_id_from_ipv4("10.0.2.21") == 533);
  CHECK(*node_id_from_ipv4("172.31.255.254") == 65534);
  CHECK(*node_id_from_ipv4("10.1.0.5") == 5);
  CHECK(*node_id_from_ipv4("10.2.0.5") == 5);  // the documented collision: same last two octets
  for (const char* bad : {"", "10.0.2", "10.0.2.256", "10.0..1", "fe80::1", "a.b.c.d", "10.0.2.21."})
    CHECK_FALSE(node_id_from_ipv4(bad).ok());
}

TEST_CASE("user-data parsing", "[firstboot]") {
  auto u = parse_user_data("# comment\nrole = \"broker\"\ncontroller = [\"1@a:9093\", \"2@b:9093\"]\n\n[render]\nrack = \"r\"\n");
  REQUIRE(u.ok());
  REQUIRE(u->has_value());
  const auto& items = **u;
  REQUIRE(items.size() == 3);
  CHECK(items[0] == std::pair<std::string, std::vector<std::string>>{"role", {"broker"}});
  CHECK(items[1].second == std::vector<std::string>{"1@a:9093", "2@b:9093"});
  CHECK(items[2].first == "rack");
  CHECK_FALSE(parse_user_data("#cloud-config\npackages: [x]\n")->has_value());
  CHECK_FALSE(parse_user_data("justaword\n").ok());
  CHECK_FALSE(parse_user_data(" = 3\n").ok());
}

TEST_CASE("the identity on the data volume", "[firstboot]") {
  auto dir = std::filesystem::temp_directory_path() / ("ka-firstboot-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "var/lib/kafka/data");
  std::filesystem::create_directories(dir / "var/lib/kafka/meta");
  RootFs root(dir);
  std::vector<std::string> dirs = {"/var/lib/kafka/data", "/var/lib/kafka/meta"};
  auto none = find_existing_identity(root, dirs);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  std::ofstream(dir / "var/lib/kafka/meta/meta.properties")
      << "version=1\ncluster.id=" << kCluster << "\nnode.id=3\ndirectory.id=abcdefghijklmnopqrstuv\n";
  auto one = find_existing_identity(root, dirs);
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK((*one)->meta.node_id == 3);
  CHECK((*one)->origin == "/var/lib/kafka/meta/meta.properties");

  std::ofstream(dir / "var/lib/kafka/data/meta.properties") << "version=1\ncluster.id=" << kCluster << "\nnode.id=4\n";
  auto two = find_existing_identity(root, dirs);
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().code == Exit::refused);
  CHECK_THAT(two.error().message, Catch::Contains("two identities"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("first boot: the node ID's source is named for bootstrap's refusal of an ID the quorum has", "[firstboot]") {
  FirstbootInput in;
  in.md = md("10.0.2.21", {{"role", "broker"}, {"node-id", "101"}, {"cluster-id", kCluster}, {"controllers", kVoters}, {"quorum", "dynamic"}});
  auto d = decide(in);
  REQUIRE(d.ok());
  CHECK(d->node_id_source == "the tag kafka-appliance:node-id or `node-id = <ID>` in the user-data (it came from tag kafka-appliance:node-id)");
  CHECK(d->format == DynamicFormat::no_initial_controllers);

  in.md = md("10.0.1.14", {{"role", "controller"}, {"cluster-id", kCluster}, {"controllers", kVoters}, {"quorum", "dynamic"}}, "node-id-from = \"ip\"\n");
  in.no_initial_controllers = true;
  d = decide(in);
  REQUIRE(d.ok());
  CHECK(d->node.node_id == "270");
  CHECK(d->node_id_source.find("(it came from --node-id-from ip (10.0.1.14))") != std::string::npos);
  CHECK(d->format == DynamicFormat::no_initial_controllers);
}

// ZooKeeper mode (Kafka 3.x): the cluster ID is ZooKeeper's (created by the first broker), so
// neither a member nor a broker needs one from the metadata.
TEST_CASE("first boot: ZooKeeper mode needs no cluster ID", "[firstboot]") {
  const std::string ensemble = "zookeeper-server = [\"1@10.0.3.11:2888:3888\", \"2@10.0.3.12:2888:3888\", \"3@10.0.3.13:2888:3888\"]\n";
  FirstbootInput member;
  member.md = md("10.0.3.12", {{"node-id", "2"}}, "memory = \"1G\"\n" + ensemble);
  member.image_role = "zookeeper";
  auto z = decided(member);
  CHECK(z.node.role == "zookeeper");
  CHECK(z.node.node_id == "2");
  CHECK(z.node.cluster_id.empty());
  CHECK(z.node.rack.empty());
  CHECK(z.node.zookeeper_servers.size() == 3);

  FirstbootInput broker;
  broker.md = md("10.0.2.21", {{"role", "broker"}},
                 "node-id-from = \"ip\"\nbroker-count = 5\nzookeeper = [\"10.0.3.11:2181\", \"10.0.3.12:2181\", \"10.0.3.13:2181\"]\n");
  broker.image_role = "broker";
  auto b = decided(broker);
  CHECK(b.node.role == "broker");
  CHECK(b.node.node_id == "533");
  CHECK(b.node.cluster_id.empty());
  CHECK(b.node.zookeeper == std::vector<std::string>{"10.0.3.11:2181", "10.0.3.12:2181", "10.0.3.13:2181"});
  CHECK(b.node.advertise == std::vector<std::string>{"PLAINTEXT://10.0.2.21:9092"});
  CHECK(b.node.rack == "us-east-1b");
  CHECK(b.format == DynamicFormat::automatic);

  // A KRaft broker still needs one.
  broker.md = md("10.0.2.21", {{"role", "broker"}, {"controllers", kVoters}}, "node-id-from = \"ip\"\n");
  auto k = decide(broker);
  REQUIRE_FALSE(k.ok());
  CHECK_THAT(k.error().message, Catch::Contains("no cluster ID"));
}

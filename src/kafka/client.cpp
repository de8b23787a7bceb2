#include "kafka/client.hpp"

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace ka::kafka {

namespace {

// What librdkafka's callbacks (on its own threads) report back to the calling thread.
struct Ctx {
  Env env;
  std::mutex mu;
  std::string last_error;        // error_cb: "all brokers are down", connection refused, ...
  int64_t producer_id = -1;      // stats_cb: the idempotent producer's state
  std::string idemp_state;
  bool delivered = false;        // dr_msg_cb
  rd_kafka_resp_err_t dr_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int32_t dr_partition = -1;
  int64_t dr_offset = -1;
};

struct AiNode {  // one addrinfo and its address in one allocation
  addrinfo ai;
  sockaddr_storage ss;
};

void free_addrinfo(addrinfo* ai) {
  while (ai) {
    addrinfo* next = ai->ai_next;
    delete reinterpret_cast<AiNode*>(ai);
    ai = next;
  }
}

// getaddrinfo(3) for librdkafka, through env.resolve (c-ares and /etc/hosts, no NSS).
int resolve_cb(const char* node, const char* service, const addrinfo* hints, addrinfo** res, void* opaque) {
  if (!node && !service && !hints) {
    free_addrinfo(*res);
    return 0;
  }
  auto* ctx = static_cast<Ctx*>(opaque);
  int port = service ? std::atoi(service) : 0;
  auto addrs = ctx->env.resolve ? ctx->env.resolve(node ? node : "", std::chrono::seconds(5))
                                : Result<std::vector<std::string>>(fail("no resolver"));
  if (!addrs.ok()) return EAI_NONAME;
  addrinfo* head = nullptr;
  addrinfo** tail = &head;
  for (const auto& a : *addrs) {
    auto* n = new AiNode{};
    auto* s4 = reinterpret_cast<sockaddr_in*>(&n->ss);
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&n->ss);
    if (inet_pton(AF_INET, a.c_str(), &s4->sin_addr) == 1) {
      s4->sin_family = AF_INET;
      s4->sin_port = htons(static_cast<uint16_t>(port));
      n->ai.ai_addrlen = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, a.c_str(), &s6->sin6_addr) == 1) {
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons(static_cast<uint16_t>(port));
      n->ai.ai_addrlen = sizeof(sockaddr_in6);
    } else {
      delete n;
      continue;
    }
    n->ai.ai_family = n->ss.ss_family;
    if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != n->ai.ai_family) {
      delete n;
      continue;
    }
    n->ai.ai_socktype = hints ? hints->ai_socktype : SOCK_STREAM;
    n->ai.ai_protocol = hints ? hints->ai_protocol : 0;
    n->ai.ai_addr = reinterpret_cast<sockaddr*>(&n->ss);
    *tail = &n->ai;
    tail = &n->ai.ai_next;
  }
  *res = head;
  return head ? 0 : EAI_NONAME;
}

// librdkafka's log lines at debug: its failures reach the caller as values, and a broker that
// is down (the normal case for a gate) would otherwise fill the operator's terminal.
void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* ctx = static_cast<Ctx*>(rd_kafka_opaque(rk));
  if (!ctx || !ctx->env.log) return;
  ctx->env.log->log(level <= 2 ? spdlog::level::warn : spdlog::level::debug, "librdkafka {}: {}", fac, buf);
}

void error_cb(rd_kafka_t*, int, const char* reason, void* opaque) {
  auto* ctx = static_cast<Ctx*>(opaque);
  std::lock_guard<std::mutex> g(ctx->mu);
  ctx->last_error = reason;
}

int stats_cb(rd_kafka_t*, char* json, size_t len, void* opaque) {
  auto* ctx = static_cast<Ctx*>(opaque);
  auto j = nlohmann::json::parse(json, json + len, nullptr, false);
  if (!j.is_discarded() && j.contains("eos")) {
    std::lock_guard<std::mutex> g(ctx->mu);
    ctx->idemp_state = j["eos"].value("idemp_state", "");
    ctx->producer_id = j["eos"].value("producer_id", int64_t{-1});
  }
  return 0;
}

void dr_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* ctx = static_cast<Ctx*>(opaque);
  std::lock_guard<std::mutex> g(ctx->mu);
  ctx->delivered = true;
  ctx->dr_err = m->err;
  ctx->dr_partition = m->partition;
  ctx->dr_offset = m->offset;
}

struct Handle {
  std::unique_ptr<Ctx> ctx;
  rd_kafka_t* rk = nullptr;
  bool consumer = false;
  Handle() = default;
  Handle(Handle&& o) noexcept : ctx(std::move(o.ctx)), rk(std::exchange(o.rk, nullptr)), consumer(o.consumer) {}
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (rk) rd_kafka_destroy_flags(rk, consumer ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0);
  }
  std::string last_error() {
    std::lock_guard<std::mutex> g(ctx->mu);
    return ctx->last_error;
  }
};

Result<Handle> make_handle(rd_kafka_type_t type, const std::string& bootstrap, const Env& env,
                           std::map<std::string, std::string> props) {
  Handle h;
  h.ctx = std::make_unique<Ctx>();
  h.ctx->env = env;
  h.consumer = type == RD_KAFKA_CONSUMER;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  props.emplace("bootstrap.servers", bootstrap);
  props.emplace("client.id", "kafka-appliance");
  props.emplace("log.connection.close", "false");
  props.emplace("socket.connection.setup.timeout.ms", "3000");
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return bad_input("librdkafka property " + k + "=" + v + ": " + err);
    }
  }
  rd_kafka_conf_set_opaque(conf, h.ctx.get());
  rd_kafka_conf_set_resolve_cb(conf, resolve_cb);
  rd_kafka_conf_set_log_cb(conf, log_cb);
  rd_kafka_conf_set_error_cb(conf, error_cb);
  rd_kafka_conf_set_stats_cb(conf, stats_cb);
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  h.rk = rd_kafka_new(type, conf, err, sizeof err);  // takes conf on success
  if (!h.rk) {
    rd_kafka_conf_destroy(conf);
    return fail(std::string("cannot make a Kafka client: ") + err);
  }
  return h;
}

int ms_left(const Env& env, Clock::time_point deadline) {
  return static_cast<int>(std::max<int64_t>(1, left(env, deadline).count()));
}

Error rk_error(Handle& h, const std::string& what, const std::string& why) {
  Error e = fail(what + ": " + why);
  auto last = h.last_error();
  if (!last.empty() && last != why) e.note("librdkafka: " + last);
  return e;
}

using EventPtr = std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)>;
using OptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, decltype(&rd_kafka_AdminOptions_destroy)>;

// One Admin API call: `start(options, queue)` sends it, its result event is awaited until the deadline.
template <class Start>
Result<EventPtr> admin_call(Handle& h, rd_kafka_admin_op_t op, rd_kafka_event_type_t want, const char* what,
                            Clock::time_point deadline, Start&& start) {
  OptionsPtr opts(rd_kafka_AdminOptions_new(h.rk, op), rd_kafka_AdminOptions_destroy);
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(opts.get(), ms_left(h.ctx->env, deadline), err, sizeof err);
  QueuePtr q(rd_kafka_queue_new(h.rk), rd_kafka_queue_destroy);
  start(opts.get(), q.get());
  EventPtr ev(rd_kafka_queue_poll(q.get(), ms_left(h.ctx->env, deadline) + 100), rd_kafka_event_destroy);
  if (!ev) return rk_error(h, what, "no answer before the deadline");
  if (rd_kafka_event_type(ev.get()) != want) return rk_error(h, what, std::string("unexpected event ") + rd_kafka_event_name(ev.get()));
  if (rd_kafka_event_error(ev.get())) return rk_error(h, what, rd_kafka_event_error_string(ev.get()));
  return ev;
}

std::vector<int32_t> node_ids(const rd_kafka_Node_t** nodes, size_t n) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(rd_kafka_Node_id(nodes[i]));
  return out;
}

}  // namespace

bool ClusterDescription::has_broker(int32_t id) const {
  for (const auto& b : brokers)
    if (b.id == id) return true;
  return false;
}

struct Client::Impl {
  Handle h;
};

Client::Client(std::unique_ptr<Impl> i) : impl_(std::move(i)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::make(const std::string& bootstrap, const Env& env, const std::map<std::string, std::string>& extra) {
  KA_TRY(auto h, make_handle(RD_KAFKA_PRODUCER, bootstrap, env, extra));
  auto impl = std::make_unique<Impl>(Impl{std::move(h)});
  return Client(std::move(impl));
}

Result<ClusterDescription> Client::describe_cluster(Clock::time_point deadline) {
  auto& h = impl_->h;
  KA_TRY(auto ev, admin_call(h, RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER, RD_KAFKA_EVENT_DESCRIBECLUSTER_RESULT, "DescribeCluster", deadline,
                             [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_DescribeCluster(h.rk, o, q); }));
  const auto* res = rd_kafka_event_DescribeCluster_result(ev.get());
  ClusterDescription d;
  const char* cid = rd_kafka_DescribeCluster_result_cluster_id(res);
  d.cluster_id = cid ? cid : "";
  const rd_kafka_Node_t* ctl = rd_kafka_DescribeCluster_result_controller(res);
  d.controller_id = ctl ? rd_kafka_Node_id(ctl) : -1;
  size_t n = 0;
  const rd_kafka_Node_t** nodes = rd_kafka_DescribeCluster_result_nodes(res, &n);
  for (size_t i = 0; i < n; ++i) {
    const char* rack = rd_kafka_Node_rack(nodes[i]);
    d.brokers.push_back({rd_kafka_Node_id(nodes[i]), rd_kafka_Node_host(nodes[i]), rd_kafka_Node_port(nodes[i]), rack ? rack : ""});
  }
  return d;
}

namespace {

Result<std::vector<TopicState>> all_topics(Handle& h, Clock::time_point deadline) {
  const rd_kafka_metadata_t* md = nullptr;
  auto err = rd_kafka_metadata(h.rk, 1, nullptr, &md, ms_left(h.ctx->env, deadline));
  if (err) return rk_error(h, "Metadata", rd_kafka_err2str(err));
  std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> guard(md, rd_kafka_metadata_destroy);
  std::vector<TopicState> out;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const auto& mt = md->topics[t];
    if (mt.err) return fail(std::string("Metadata of topic ") + mt.topic + ": " + rd_kafka_err2str(mt.err));
    TopicState ts{mt.topic, std::string(mt.topic).rfind("__", 0) == 0, {}};
    for (int p = 0; p < mt.partition_cnt; ++p) {
      const auto& mp = mt.partitions[p];
      ts.partitions.push_back({mp.id, mp.leader, std::vector<int32_t>(mp.replicas, mp.replicas + mp.replica_cnt),
                               std::vector<int32_t>(mp.isrs, mp.isrs + mp.isr_cnt)});
    }
    out.push_back(std::move(ts));
  }
  return out;
}

}  // namespace

Result<std::vector<TopicState>> Client::describe_topics(const std::vector<std::string>& names, Clock::time_point deadline) {
  auto& h = impl_->h;
  if (names.empty()) return all_topics(h, deadline);
  std::vector<const char*> cs;
  for (const auto& n : names) cs.push_back(n.c_str());
  std::unique_ptr<rd_kafka_TopicCollection_t, decltype(&rd_kafka_TopicCollection_destroy)> coll(
      rd_kafka_TopicCollection_of_topic_names(cs.data(), cs.size()), rd_kafka_TopicCollection_destroy);
  KA_TRY(auto ev, admin_call(h, RD_KAFKA_ADMIN_OP_DESCRIBETOPICS, RD_KAFKA_EVENT_DESCRIBETOPICS_RESULT, "DescribeTopics", deadline,
                             [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_DescribeTopics(h.rk, coll.get(), o, q); }));
  size_t n = 0;
  const auto** descs = rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(ev.get()), &n);
  std::vector<TopicState> out;
  for (size_t i = 0; i < n; ++i) {
    if (const rd_kafka_error_t* e = rd_kafka_TopicDescription_error(descs[i]); e && rd_kafka_error_code(e))
      return fail(std::string("DescribeTopics ") + rd_kafka_TopicDescription_name(descs[i]) + ": " + rd_kafka_error_string(e));
    TopicState ts{rd_kafka_TopicDescription_name(descs[i]), rd_kafka_TopicDescription_is_internal(descs[i]) != 0, {}};
    size_t pn = 0;
    const auto** parts = rd_kafka_TopicDescription_partitions(descs[i], &pn);
    for (size_t p = 0; p < pn; ++p) {
      size_t rn = 0, in = 0;
      const auto** reps = rd_kafka_TopicPartitionInfo_replicas(parts[p], &rn);
      const auto** isr = rd_kafka_TopicPartitionInfo_isr(parts[p], &in);
      const rd_kafka_Node_t* leader = rd_kafka_TopicPartitionInfo_leader(parts[p]);
      ts.partitions.push_back({rd_kafka_TopicPartitionInfo_partition(parts[p]), leader ? rd_kafka_Node_id(leader) : -1,
                               node_ids(reps, rn), node_ids(isr, in)});
    }
    out.push_back(std::move(ts));
  }
  return out;
}

Result<std::map<std::string, std::map<std::string, std::string>>> Client::describe_topic_configs(
    const std::vector<std::string>& topics, const std::vector<std::string>& keys, Clock::time_point deadline) {
  auto& h = impl_->h;
  std::map<std::string, std::map<std::string, std::string>> out;
  if (topics.empty()) return out;
  std::vector<rd_kafka_ConfigResource_t*> res;
  for (const auto& t : topics) res.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
  auto ev = admin_call(h, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs", deadline,
                       [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_DescribeConfigs(h.rk, res.data(), res.size(), o, q); });
  rd_kafka_ConfigResource_destroy_array(res.data(), res.size());
  if (!ev.ok()) return std::move(ev).error();
  size_t n = 0;
  const auto** rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    std::string name = rd_kafka_ConfigResource_name(rs[i]);
    if (rd_kafka_ConfigResource_error(rs[i]))
      return fail("DescribeConfigs of topic " + name + ": " + rd_kafka_ConfigResource_error_string(rs[i]));
    size_t cn = 0;
    const auto** entries = rd_kafka_ConfigResource_configs(rs[i], &cn);
    auto& m = out[name];
    for (size_t c = 0; c < cn; ++c) {
      std::string k = rd_kafka_ConfigEntry_name(entries[c]);
      if (!keys.empty() && std::find(keys.begin(), keys.end(), k) == keys.end()) continue;
      const char* v = rd_kafka_ConfigEntry_value(entries[c]);
      m[k] = v ? v : "";
    }
  }
  return out;
}

Result<Watermarks> Client::list_offsets(const std::string& topic, int32_t partition, Clock::time_point deadline) {
  auto& h = impl_->h;
  Watermarks w;
  auto err = rd_kafka_query_watermark_offsets(h.rk, topic.c_str(), partition, &w.low, &w.high, ms_left(h.ctx->env, deadline));
  if (err) return rk_error(h, "ListOffsets of " + topic + "-" + std::to_string(partition), rd_kafka_err2str(err));
  return w;
}

Status Client::create_topic(const NewTopic& t, Clock::time_point deadline) {
  auto& h = impl_->h;
  char err[512];
  std::unique_ptr<rd_kafka_NewTopic_t, decltype(&rd_kafka_NewTopic_destroy)> nt(rd_kafka_NewTopic_new(t.name.c_str(), t.assignment.empty() ? -1 : static_cast<int>(t.assignment.size()), -1, err, sizeof err),
                                                                                 rd_kafka_NewTopic_destroy);
  if (!nt) return bad_input("topic " + t.name + ": " + err);
  for (size_t p = 0; p < t.assignment.size(); ++p) {
    auto reps = t.assignment[p];
    if (rd_kafka_NewTopic_set_replica_assignment(nt.get(), static_cast<int32_t>(p), reps.data(), reps.size(), err, sizeof err))
      return bad_input("topic " + t.name + " partition " + std::to_string(p) + ": " + err);
  }
  for (const auto& [k, v] : t.config) rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str());
  rd_kafka_NewTopic_t* arr[] = {nt.get()};
  KA_TRY(auto ev, admin_call(h, RD_KAFKA_ADMIN_OP_CREATETOPICS, RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics", deadline,
                             [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_CreateTopics(h.rk, arr, 1, o, q); }));
  size_t n = 0;
  const auto** rs = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  for (size_t i = 0; i < n; ++i) {
    auto e = rd_kafka_topic_result_error(rs[i]);
    if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
      return fail("CreateTopics " + t.name + ": " + rd_kafka_err2str(e) + ": " + (rd_kafka_topic_result_error_string(rs[i]) ?: ""));
  }
  return ok_status();
}

namespace {

// Why an idempotent produce did not complete: which of its three stages failed.
Error produce_error(Handle& h, const std::string& where, rd_kafka_resp_err_t err, bool timed_out) {
  std::string state, why = timed_out ? "no acknowledgement before the deadline" : rd_kafka_err2str(err);
  int64_t pid = -1;
  {
    std::lock_guard<std::mutex> g(h.ctx->mu);
    state = h.ctx->idemp_state;
    pid = h.ctx->producer_id;
  }
  if (pid < 0 || (state != "Assigned" && !state.empty()))
    return rk_error(h, where, "no producer ID from the controller (idempotent producer state " + (state.empty() ? "unknown" : state) +
                                   "): " + why)
        .note("the broker allocates producer IDs through the active controller (AllocateProducerIds on its forwarding channel)");
  return rk_error(h, where, "producer ID " + std::to_string(pid) + " assigned, but the write was not acknowledged: " + why);
}

}  // namespace

Result<ProduceOutcome> produce_round_trip(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                          const std::string& payload, const Env& env, Clock::time_point deadline,
                                          const std::map<std::string, std::string>& extra) {
  auto t0 = env.clock->now();
  auto props = extra;
  props.emplace("enable.idempotence", "true");
  props.emplace("acks", "all");
  props.emplace("linger.ms", "0");
  props.emplace("statistics.interval.ms", "100");
  props.emplace("message.timeout.ms", std::to_string(std::max(100, ms_left(env, deadline))));
  KA_TRY(auto h, make_handle(RD_KAFKA_PRODUCER, bootstrap, env, props));
  std::string where = "produce to " + topic + "-" + std::to_string(partition) + " via " + bootstrap;
  auto err = rd_kafka_producev(h.rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                               RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_END);
  if (err) return rk_error(h, where, rd_kafka_err2str(err));
  for (;;) {
    rd_kafka_poll(h.rk, std::min(50, ms_left(env, deadline)));
    Ctx got;
    {
      std::lock_guard<std::mutex> g(h.ctx->mu);
      got.delivered = h.ctx->delivered;
      got.dr_err = h.ctx->dr_err;
      got.dr_partition = h.ctx->dr_partition;
      got.dr_offset = h.ctx->dr_offset;
      got.producer_id = h.ctx->producer_id;
    }
    if (got.delivered && got.dr_err) return produce_error(h, where, got.dr_err, false);
    if (got.delivered) return ProduceOutcome{got.producer_id, got.dr_partition, got.dr_offset, env.clock->seconds_since(t0)};
    if (left(env, deadline).count() == 0) return produce_error(h, where, RD_KAFKA_RESP_ERR__TIMED_OUT, true);
  }
}

Result<std::vector<std::string>> consume(const std::string& bootstrap, const std::string& topic, int32_t partition, int64_t offset,
                                         size_t max, const Env& env, Clock::time_point deadline,
                                         const std::map<std::string, std::string>& extra) {
  auto props = extra;
  props.emplace("group.id", "kafka-appliance-consume");  // never joins: assign(), no commits
  props.emplace("enable.auto.commit", "false");
  props.emplace("enable.partition.eof", "true");
  KA_TRY(auto h, make_handle(RD_KAFKA_CONSUMER, bootstrap, env, props));
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)> tp(
      rd_kafka_topic_partition_list_new(1), rd_kafka_topic_partition_list_destroy);
  rd_kafka_topic_partition_list_add(tp.get(), topic.c_str(), partition)->offset = offset;
  if (auto err = rd_kafka_assign(h.rk, tp.get())) return rk_error(h, "assign " + topic, rd_kafka_err2str(err));
  std::vector<std::string> out;
  while (out.size() < max && left(env, deadline).count() > 0) {
    std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> m(
        rd_kafka_consumer_poll(h.rk, std::min(100, ms_left(env, deadline))), rd_kafka_message_destroy);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) break;
    if (m->err) return rk_error(h, "consume " + topic + "-" + std::to_string(partition), rd_kafka_message_errstr(m.get()));
    out.emplace_back(static_cast<const char*>(m->payload), m->len);
  }
  return out;
}

}  // namespace ka::kafka

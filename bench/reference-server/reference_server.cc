// The C++ reference for `make bench`: KEDA's externalscaler.ExternalScaler on grpc++'s
// asynchronous completion-queue API (Debian's libgrpc++, the same libgrpc the project
// links), one thread polling one completion queue. Each unary call parses the request,
// looks its pool up in a std::unordered_map and copies a response built at start-up,
// so for the same request it answers the same bytes as runpod-autoscaler (the table of
// values comes from the project itself; bench/test_reference_equality.py checks it).
//
// Table file, one record a line, whitespace-separated:
//   P <namespace> <name> <isActive: 0|1|->
//   M <namespace> <name> <metric rawValue> <metric kebab name> <value|-> <default target>
// `-` means the project answers UNAVAILABLE for it.
//
// Usage: reference_server --listen 127.0.0.1:0 --table FILE [--threads 1]
// Prints "listening <port>" on stdout once serving. grpc.health.v1 is grpc++'s default
// health service (SERVING for "").

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "externalscaler.grpc.pb.h"

using externalscaler::ExternalScaler;
using externalscaler::GetMetricSpecResponse;
using externalscaler::GetMetricsRequest;
using externalscaler::GetMetricsResponse;
using externalscaler::IsActiveResponse;
using externalscaler::ScaledObjectRef;

namespace {

struct Metric {
    std::string raw;
    std::string kebab;
    bool available = false;
    GetMetricsResponse metrics;
    GetMetricSpecResponse spec;  // at the default target
};

struct Pool {
    std::string ns;
    std::string name;
    bool activeAvailable = false;
    IsActiveResponse isActive;
    std::vector<Metric> metrics;
};

struct Table {
    std::unordered_map<std::string, Pool> byKey;                    // "namespace/name"
    std::unordered_map<std::string, std::vector<std::string>> byName;  // name -> keys
};

Table table;

int64_t saturatingCeil(double value) {
    double up = std::ceil(value);
    if (std::isnan(up)) return 0;
    if (up >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
    if (up <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(up);
}

std::string metricName(const std::string& ns, const std::string& name, const std::string& kebab) {
    std::string raw = "runpod-" + ns + "-" + name + "-" + kebab;
    std::string out;
    for (char c : raw) {
        char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '-';
        out.push_back(ok ? lower : '-');
    }
    return out;
}

GetMetricSpecResponse makeSpec(const std::string& name, double target) {
    GetMetricSpecResponse response;
    auto* spec = response.add_metricspecs();
    spec->set_metricname(name);
    spec->set_targetsize(std::max<int64_t>(1, saturatingCeil(target)));
    spec->set_targetsizefloat(target);
    return response;
}

bool loadTable(const std::string& path) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string kind, ns, name;
        if (!(fields >> kind >> ns >> name)) continue;
        std::string key = ns + "/" + name;
        Pool& pool = table.byKey[key];
        if (pool.name.empty()) {
            pool.ns = ns;
            pool.name = name;
            table.byName[name].push_back(key);
        }
        if (kind == "P") {
            std::string active;
            fields >> active;
            pool.activeAvailable = active != "-";
            pool.isActive.set_result(active == "1");
        } else if (kind == "M") {
            Metric metric;
            std::string value;
            double target = 1;
            fields >> metric.raw >> metric.kebab >> value >> target;
            std::string fullName = metricName(ns, name, metric.kebab);
            metric.available = value != "-";
            if (metric.available) {
                double number = std::stod(value);
                auto* item = metric.metrics.add_metricvalues();
                item->set_metricname(fullName);
                item->set_metricvalue(saturatingCeil(number));
                item->set_metricvaluefloat(number);
            }
            metric.spec = makeSpec(fullName, target);
            pool.metrics.push_back(std::move(metric));
        }
    }
    return !table.byKey.empty();
}

std::string trimSpaces(const std::string& text) {
    size_t begin = text.find_first_not_of(' ');
    if (begin == std::string::npos) return "";
    size_t end = text.find_last_not_of(' ');
    return text.substr(begin, end - begin + 1);
}

bool isDNSLabel(const std::string& text) {
    if (text.empty() || text.size() > 63 || text.front() == '-' || text.back() == '-') return false;
    for (char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// The pool and metric a reference names, or the status the project answers instead.
struct Lookup {
    const Pool* pool = nullptr;
    const Metric* metric = nullptr;
    bool hasTarget = false;
    double target = 0;
    grpc::Status status;
};

Lookup resolve(const ScaledObjectRef& reference) {
    Lookup out;
    const auto& metadata = reference.scalermetadata();
    auto poolEntry = metadata.find("pool");
    std::string rawPool = poolEntry == metadata.end() ? "" : trimSpaces(poolEntry->second);
    if (rawPool.empty()) {
        out.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "metadata key \"pool\" is required");
        return out;
    }
    std::string ns, name;
    size_t slash = rawPool.find('/');
    if (slash == std::string::npos) {
        name = rawPool;
    } else {
        ns = rawPool.substr(0, slash);
        name = rawPool.substr(slash + 1);
        if (name.find('/') != std::string::npos || !isDNSLabel(ns)) name.clear();
    }
    if (!isDNSLabel(name)) {
        out.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "metadata key \"pool\" is malformed");
        return out;
    }
    // The metadata is checked whole before the pool is looked up, as the project does.
    static const char* const kMetrics[][2] = {{"burst", "burst"},           {"wanted", "wanted"},
                                              {"queueDepth", "queue-depth"}, {"localAvailable", "local-available"},
                                              {"runpodPods", "runpod-pods"}, {"runpodHeadroom", "runpod-headroom"}};
    std::string metricKebab = "burst";
    auto metricEntry = metadata.find("metric");
    std::string rawMetric = metricEntry == metadata.end() ? "" : trimSpaces(metricEntry->second);
    if (!rawMetric.empty()) {
        metricKebab.clear();
        for (const auto& known : kMetrics) {
            if (rawMetric == known[0] || rawMetric == known[1]) metricKebab = known[1];
        }
        if (metricKebab.empty()) {
            out.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "unknown metric \"" + rawMetric + "\"");
            return out;
        }
    }
    auto targetEntry = metadata.find("targetValue");
    std::string rawTarget = targetEntry == metadata.end() ? "" : trimSpaces(targetEntry->second);
    if (!rawTarget.empty()) {
        char* end = nullptr;
        double value = std::strtod(rawTarget.c_str(), &end);
        if (end == rawTarget.c_str() || *end != '\0' || !std::isfinite(value) || value <= 0) {
            out.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "targetValue is not a positive number");
            return out;
        }
        out.hasTarget = true;
        out.target = value;
    }
    const Pool* pool = nullptr;
    if (!ns.empty()) {
        auto found = table.byKey.find(ns + "/" + name);
        if (found != table.byKey.end()) pool = &found->second;
    } else {
        auto found = table.byKey.find(reference.namespace_() + "/" + name);
        if (found != table.byKey.end()) {
            pool = &found->second;
        } else {
            auto candidates = table.byName.find(name);
            if (candidates != table.byName.end() && candidates->second.size() > 1) {
                out.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "metadata key \"pool\" is ambiguous");
                return out;
            }
            if (candidates != table.byName.end()) pool = &table.byKey.find(candidates->second[0])->second;
        }
    }
    if (pool == nullptr) {
        out.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown pool \"" + rawPool + "\"");
        return out;
    }
    out.pool = pool;
    for (const auto& metric : pool->metrics) {
        if (metric.kebab == metricKebab) out.metric = &metric;
    }
    if (out.metric == nullptr) out.status = grpc::Status(grpc::StatusCode::INTERNAL, "no answer for " + metricKebab);
    return out;
}

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "no decision");

// One outstanding call of a unary method; re-arms itself when it has answered.
class CallBase {
   public:
    virtual ~CallBase() = default;
    virtual void proceed(bool ok) = 0;
};

template <typename Request, typename Response>
class UnaryCall : public CallBase {
   public:
    using RequestFn = void (ExternalScaler::AsyncService::*)(grpc::ServerContext*, Request*,
                                                            grpc::ServerAsyncResponseWriter<Response>*,
                                                            grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                                            void*);
    using HandleFn = grpc::Status (*)(const Request&, Response*);

    UnaryCall(ExternalScaler::AsyncService* service, grpc::ServerCompletionQueue* cq, RequestFn request,
              HandleFn handle)
        : service_(service), cq_(cq), request_(request), handle_(handle), writer_(&context_) {
        (service_->*request_)(&context_, &message_, &writer_, cq_, cq_, this);
    }

    void proceed(bool ok) override {
        if (!answered_) {
            if (!ok) {
                delete this;
                return;
            }
            new UnaryCall(service_, cq_, request_, handle_);
            answered_ = true;
            Response response;
            grpc::Status status = handle_(message_, &response);
            if (status.ok()) {
                writer_.Finish(response, grpc::Status::OK, this);
            } else {
                writer_.FinishWithError(status, this);
            }
        } else {
            delete this;
        }
    }

   private:
    ExternalScaler::AsyncService* service_;
    grpc::ServerCompletionQueue* cq_;
    RequestFn request_;
    HandleFn handle_;
    grpc::ServerContext context_;
    Request message_;
    grpc::ServerAsyncResponseWriter<Response> writer_;
    bool answered_ = false;
};

// The streaming methods are not part of the comparison: they answer UNIMPLEMENTED.
template <typename Response>
class StreamCall : public CallBase {
   public:
    using RequestFn = void (ExternalScaler::AsyncService::*)(grpc::ServerContext*, ScaledObjectRef*,
                                                            grpc::ServerAsyncWriter<Response>*, grpc::CompletionQueue*,
                                                            grpc::ServerCompletionQueue*, void*);

    StreamCall(ExternalScaler::AsyncService* service, grpc::ServerCompletionQueue* cq, RequestFn request)
        : service_(service), cq_(cq), request_(request), writer_(&context_) {
        (service_->*request_)(&context_, &message_, &writer_, cq_, cq_, this);
    }

    void proceed(bool ok) override {
        if (!answered_ && ok) {
            new StreamCall(service_, cq_, request_);
            answered_ = true;
            writer_.Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not in the reference"), this);
        } else {
            delete this;
        }
    }

   private:
    ExternalScaler::AsyncService* service_;
    grpc::ServerCompletionQueue* cq_;
    RequestFn request_;
    grpc::ServerContext context_;
    ScaledObjectRef message_;
    grpc::ServerAsyncWriter<Response> writer_;
    bool answered_ = false;
};

grpc::Status getMetrics(const GetMetricsRequest& request, GetMetricsResponse* response) {
    if (!request.has_scaledobjectref()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "GetMetricsRequest.scaledObjectRef is required");
    }
    Lookup found = resolve(request.scaledobjectref());
    if (!found.status.ok()) return found.status;
    if (!found.metric->available) return kUnavailable;
    response->CopyFrom(found.metric->metrics);
    return grpc::Status::OK;
}

grpc::Status getMetricSpec(const ScaledObjectRef& request, GetMetricSpecResponse* response) {
    Lookup found = resolve(request);
    if (!found.status.ok()) return found.status;
    if (found.hasTarget) {
        *response = makeSpec(found.metric->spec.metricspecs(0).metricname(), found.target);
    } else {
        response->CopyFrom(found.metric->spec);
    }
    return grpc::Status::OK;
}

grpc::Status isActive(const ScaledObjectRef& request, IsActiveResponse* response) {
    Lookup found = resolve(request);
    if (!found.status.ok()) return found.status;
    if (!found.pool->activeAvailable) return kUnavailable;
    response->CopyFrom(found.pool->isActive);
    return grpc::Status::OK;
}

void serve(ExternalScaler::AsyncService* service, grpc::ServerCompletionQueue* cq) {
    // A few outstanding requests per method so bursts of new calls find one armed.
    for (int i = 0; i < 64; i++) {
        new UnaryCall<GetMetricsRequest, GetMetricsResponse>(
            service, cq, &ExternalScaler::AsyncService::RequestGetMetrics, &getMetrics);
    }
    for (int i = 0; i < 8; i++) {
        new UnaryCall<ScaledObjectRef, GetMetricSpecResponse>(
            service, cq, &ExternalScaler::AsyncService::RequestGetMetricSpec, &getMetricSpec);
        new UnaryCall<ScaledObjectRef, IsActiveResponse>(service, cq, &ExternalScaler::AsyncService::RequestIsActive,
                                                         &isActive);
    }
    new StreamCall<IsActiveResponse>(service, cq, &ExternalScaler::AsyncService::RequestStreamIsActive);
    new StreamCall<GetMetricSpecResponse>(service, cq, &ExternalScaler::AsyncService::RequestStreamMetricSpec);
    void* tag;
    bool ok;
    while (cq->Next(&tag, &ok)) static_cast<CallBase*>(tag)->proceed(ok);
}

}  // namespace

int main(int argc, char** argv) {
    std::string listen = "127.0.0.1:0";
    std::string tablePath;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--listen") listen = argv[i + 1];
        else if (flag == "--table") tablePath = argv[i + 1];
        else if (flag == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
        else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    if (!loadTable(tablePath)) {
        std::cerr << "cannot read a pool table from \"" << tablePath << "\"\n";
        return 2;
    }
    grpc::EnableDefaultHealthCheckService(true);
    ExternalScaler::AsyncService service;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
    for (int i = 0; i < threads; i++) queues.push_back(builder.AddCompletionQueue());
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || port == 0) {
        std::cerr << "cannot listen on " << listen << "\n";
        return 1;
    }
    std::printf("listening %d\n", port);
    std::fflush(stdout);
    std::vector<std::thread> workers;
    for (int i = 1; i < threads; i++) workers.emplace_back(serve, &service, queues[i].get());
    serve(&service, queues[0].get());
    for (auto& worker : workers) worker.join();
    return 0;
}

// The gRPC client load generator of `make bench` (grpc++ async, one thread, one completion
// queue), in two modes:
//
//   load_client unary --target H:P --connections C --streams S --seconds D --request FILE
//     Closed loop: C channels (separate TCP connections), S calls outstanding on each, each
//     answered call replaced by a new one, for D seconds. FILE holds a serialized
//     GetMetricsRequest. Prints one JSON line: calls, errors, seconds, p50_us, p99_us.
//     With --latencies OUT, also writes a line per answered call to OUT: when it started
//     (microseconds from the start of the run) and its latency in microseconds, for looking
//     into a tail (bench/latency_tail.py summarizes such files).
//
//   load_client streams --target H:P --connections C --streams N --request FILE [--timeout S]
//     Opens N StreamIsActive calls spread over C channels (FILE: records of a 4-byte length
//     and a serialized ScaledObjectRef, used in turn), waits for the first answer on each and prints
//     "ready <opened> <value>". Then, on a line "go" on stdin, notes the time and waits
//     until every stream has received a different value; prints
//     "changed <streams that changed> <milliseconds from go to the last one>".

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "externalscaler.grpc.pb.h"

using Clock = std::chrono::steady_clock;
using externalscaler::ExternalScaler;
using externalscaler::GetMetricsRequest;
using externalscaler::GetMetricsResponse;
using externalscaler::IsActiveResponse;
using externalscaler::ScaledObjectRef;

namespace {

struct Options {
    std::string mode;
    std::string target = "127.0.0.1:9090";
    int connections = 1;
    int streams = 1;
    double seconds = 10;
    double timeout = 60;
    std::string request;
    std::string latencies;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::unique_ptr<ExternalScaler::Stub>> makeStubs(const Options& options) {
    std::vector<std::unique_ptr<ExternalScaler::Stub>> stubs;
    for (int i = 0; i < options.connections; i++) {
        grpc::ChannelArguments args;
        // A channel of its own per connection: no subchannel sharing between them.
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        args.SetInt("rpa.bench.channel", i);
        args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
        auto channel = grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), args);
        if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
            std::cerr << "cannot connect to " << options.target << "\n";
            std::exit(1);
        }
        stubs.push_back(ExternalScaler::NewStub(channel));
    }
    return stubs;
}

struct UnaryCall {
    int stub = 0;
    Clock::time_point started;
    grpc::ClientContext context;
    GetMetricsResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<GetMetricsResponse>> reader;
};

int runUnary(const Options& options) {
    GetMetricsRequest request;
    if (!request.ParseFromString(readFile(options.request))) {
        std::cerr << "cannot parse a GetMetricsRequest from " << options.request << "\n";
        return 2;
    }
    auto stubs = makeStubs(options);
    grpc::CompletionQueue cq;
    auto start = [&](int stub) {
        auto* call = new UnaryCall;
        call->stub = stub;
        call->started = Clock::now();
        call->reader = stubs[stub]->PrepareAsyncGetMetrics(&call->context, request, &cq);
        call->reader->StartCall();
        call->reader->Finish(&call->response, &call->status, call);
    };
    std::vector<uint32_t> latencies;
    latencies.reserve(4'000'000);
    std::vector<uint32_t> starts;  // only with --latencies
    if (!options.latencies.empty()) starts.reserve(4'000'000);
    uint64_t calls = 0, errors = 0;
    Clock::time_point begin = Clock::now();
    Clock::time_point end = begin + std::chrono::microseconds(static_cast<int64_t>(options.seconds * 1e6));
    for (int c = 0; c < options.connections; c++) {
        for (int s = 0; s < options.streams; s++) start(c);
    }
    int outstanding = options.connections * options.streams;
    void* tag;
    bool ok;
    bool stopping = false;
    while (outstanding > 0 && cq.Next(&tag, &ok)) {
        auto* call = static_cast<UnaryCall*>(tag);
        Clock::time_point now = Clock::now();
        outstanding--;
        if (!stopping && now >= end) stopping = true;
        if (!stopping) {
            if (ok && call->status.ok()) {
                calls++;
                auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - call->started).count();
                latencies.push_back(static_cast<uint32_t>(std::min<int64_t>(micros, UINT32_MAX)));
                if (!options.latencies.empty()) {
                    starts.push_back(static_cast<uint32_t>(
                        std::chrono::duration_cast<std::chrono::microseconds>(call->started - begin).count()));
                }
            } else {
                errors++;
            }
            start(call->stub);
            outstanding++;
        }
        delete call;
    }
    double elapsed = std::chrono::duration<double>(end - begin).count();
    if (!options.latencies.empty()) {
        // Before the percentiles below reorder the latencies.
        std::FILE* out = std::fopen(options.latencies.c_str(), "w");
        if (out == nullptr) {
            std::cerr << "cannot write " << options.latencies << "\n";
            return 2;
        }
        for (size_t i = 0; i < latencies.size(); i++) std::fprintf(out, "%u %u\n", starts[i], latencies[i]);
        std::fclose(out);
    }
    auto percentile = [&](double q) -> uint32_t {
        if (latencies.empty()) return 0;
        size_t index = std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()));
        std::nth_element(latencies.begin(), latencies.begin() + index, latencies.end());
        return latencies[index];
    };
    uint32_t p50 = percentile(0.50), p99 = percentile(0.99);
    std::printf("{\"calls\": %llu, \"errors\": %llu, \"seconds\": %.3f, \"p50_us\": %u, \"p99_us\": %u}\n",
                static_cast<unsigned long long>(calls), static_cast<unsigned long long>(errors), elapsed, p50, p99);
    return 0;
}

struct StreamCall {
    grpc::ClientContext context;
    IsActiveResponse response;
    std::unique_ptr<grpc::ClientAsyncReader<IsActiveResponse>> reader;
    int stage = 0;  // 0: started, 1: reading first, 2: waiting for the change, 3: changed
    bool first = false;
};

int runStreams(const Options& options) {
    // Records of a 4-byte big-endian length and a ScaledObjectRef, used in turn.
    std::vector<ScaledObjectRef> requests;
    std::string records = readFile(options.request);
    for (size_t at = 0; at + 4 <= records.size();) {
        size_t length = (static_cast<unsigned char>(records[at]) << 24) |
                        (static_cast<unsigned char>(records[at + 1]) << 16) |
                        (static_cast<unsigned char>(records[at + 2]) << 8) | static_cast<unsigned char>(records[at + 3]);
        ScaledObjectRef request;
        if (at + 4 + length > records.size() || !request.ParseFromString(records.substr(at + 4, length))) break;
        requests.push_back(std::move(request));
        at += 4 + length;
    }
    if (requests.empty()) {
        std::cerr << "cannot parse ScaledObjectRef records from " << options.request << "\n";
        return 2;
    }
    auto stubs = makeStubs(options);
    grpc::CompletionQueue cq;
    std::vector<std::unique_ptr<StreamCall>> calls;
    for (int i = 0; i < options.streams; i++) {
        auto call = std::make_unique<StreamCall>();
        call->reader = stubs[i % stubs.size()]->PrepareAsyncStreamIsActive(&call->context, requests[i % requests.size()], &cq);
        call->reader->StartCall(call.get());
        calls.push_back(std::move(call));
    }
    auto deadline = std::chrono::system_clock::now() + std::chrono::microseconds(static_cast<int64_t>(options.timeout * 1e6));
    int ready = 0, failed = 0;
    bool firstValue = false;
    void* tag;
    bool ok;
    // Phase 1: every stream's first answer.
    while (ready + failed < options.streams) {
        auto status = cq.AsyncNext(&tag, &ok, deadline);
        if (status != grpc::CompletionQueue::GOT_EVENT) break;
        auto* call = static_cast<StreamCall*>(tag);
        if (!ok) {
            call->stage = 9;
            failed++;
            continue;
        }
        if (call->stage == 0) {
            call->stage = 1;
            call->reader->Read(&call->response, call);
        } else if (call->stage == 1) {
            call->stage = 2;
            call->first = call->response.result();
            firstValue = call->first;
            ready++;
            call->reader->Read(&call->response, call);
        }
    }
    std::printf("ready %d %d\n", ready, firstValue ? 1 : 0);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) return 1;
    Clock::time_point go = Clock::now();
    deadline = std::chrono::system_clock::now() + std::chrono::microseconds(static_cast<int64_t>(options.timeout * 1e6));
    int changed = 0;
    Clock::time_point last = go;
    while (changed < ready) {
        auto status = cq.AsyncNext(&tag, &ok, deadline);
        if (status != grpc::CompletionQueue::GOT_EVENT) break;
        auto* call = static_cast<StreamCall*>(tag);
        if (!ok || call->stage != 2) continue;
        if (call->response.result() != call->first) {
            call->stage = 3;
            changed++;
            last = Clock::now();
        } else {
            call->reader->Read(&call->response, call);
        }
    }
    double millis = std::chrono::duration<double, std::milli>(last - go).count();
    std::printf("changed %d %.1f\n", changed, millis);
    std::fflush(stdout);
    // Leave at once: cancelling 10,000 calls one by one is not what is measured.
    std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: load_client unary|streams --target H:P --connections C --streams S ...\n";
        return 2;
    }
    Options options;
    options.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--target") options.target = value;
        else if (flag == "--connections") options.connections = std::max(1, std::stoi(value));
        else if (flag == "--streams") options.streams = std::max(1, std::stoi(value));
        else if (flag == "--seconds") options.seconds = std::stod(value);
        else if (flag == "--timeout") options.timeout = std::stod(value);
        else if (flag == "--request") options.request = value;
        else if (flag == "--latencies") options.latencies = value;
        else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    if (options.mode == "unary") return runUnary(options);
    if (options.mode == "streams") return runStreams(options);
    std::cerr << "unknown mode " << options.mode << "\n";
    return 2;
}

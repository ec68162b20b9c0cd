// The RnnGen benchmark workloads run through oneDNN's (2.6) RNN primitives, float32, CPU, forward inference.
// Counterpart of ../pytorch/bench_pytorch.py; writes JSON of the same shape so compare.py can read it.
//
//     OMP_NUM_THREADS=1 tests/RnnGen.Benchmarks/onednn/run.sh --out onednn-1.json
//
// Cells: LSTM = lstm_forward, GRU = lbr_gru_forward (linear-before-reset, PyTorch's/cuDNN's GRU),
// SimpleRnn = vanilla_rnn_forward with eltwise_tanh. Weights are laid out by oneDNN (format_tag::any) and
// reordered from the user's ldigo copy once, at build time; the timed region is only execute + wait.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

using namespace dnnl;
using dims = memory::dims;
using tag = memory::format_tag;
using dt = memory::data_type;

static engine eng(engine::kind::cpu, 0);
static stream strm(eng);
static std::mt19937 rng(0);

static float* data(const memory& m) { return static_cast<float*>(m.get_data_handle()); }

static void fill_uniform(const memory& m, float a) {
    std::uniform_real_distribution<float> u(-a, a);
    float* p = data(m);
    for (size_t i = 0, n = m.get_desc().get_size() / sizeof(float); i < n; ++i) p[i] = u(rng);
}

static memory zeros(const memory::desc& md) {
    memory m(md, eng);
    std::memset(m.get_data_handle(), 0, md.get_size());
    return m;
}

struct Shape {
    int input, hidden, batch, time;
    rnn_direction dir = rnn_direction::unidirectional_left2right;
    int dirs() const { return dir == rnn_direction::bidirectional_concat ? 2 : 1; }
};

// One built RNN primitive with all its memories. User memories are plain layouts: src/dst_layer tnc,
// src/dst_iter ldnc, bias ldgo, and the user's weights ldigo (kept for the correctness check).
struct Rnn {
    Shape s;
    primitive prim;
    std::unordered_map<int, memory> args;
    memory src_layer, dst_layer, user_weights_layer, user_weights_iter, bias;

    void run() {
        prim.execute(strm, args);
        strm.wait();
    }
    // Feed dst_iter (and dst_iter_c) back as the next call's src_iter: swap the two memories.
    void carry_state() {
        std::swap(args[DNNL_ARG_SRC_ITER], args[DNNL_ARG_DST_ITER]);
        if (args.count(DNNL_ARG_SRC_ITER_C)) std::swap(args[DNNL_ARG_SRC_ITER_C], args[DNNL_ARG_DST_ITER_C]);
    }
};

struct Descs {
    memory::desc src_layer, iter, weights_layer_any, weights_iter_any, bias, dst_layer;
};

// Descriptors and user memories common to all cells. `gates` = gates in the weights, `bias_gates` in the bias
// (lbr_gru has one extra bias row). Inputs U(-1,1), weights U(-0.1,0.1), bias and initial state zero.
static Descs prepare(Rnn& r, const Shape& s, int gates, int bias_gates) {
    r.s = s;
    int D = s.dirs(), H = s.hidden;
    Descs d;
    d.src_layer = {{s.time, s.batch, s.input}, dt::f32, tag::tnc};
    d.iter = {{1, D, s.batch, H}, dt::f32, tag::ldnc};
    d.weights_layer_any = {{1, D, s.input, gates, H}, dt::f32, tag::any};
    d.weights_iter_any = {{1, D, H, gates, H}, dt::f32, tag::any};
    d.bias = {{1, D, bias_gates, H}, dt::f32, tag::ldgo};
    d.dst_layer = {{s.time, s.batch, D * H}, dt::f32, tag::tnc};

    r.src_layer = memory(d.src_layer, eng);
    fill_uniform(r.src_layer, 1.0f);
    r.dst_layer = zeros(d.dst_layer);
    r.user_weights_layer = memory({{1, D, s.input, gates, H}, dt::f32, tag::ldigo}, eng);
    r.user_weights_iter = memory({{1, D, H, gates, H}, dt::f32, tag::ldigo}, eng);
    fill_uniform(r.user_weights_layer, 0.1f);
    fill_uniform(r.user_weights_iter, 0.1f);
    r.bias = zeros(d.bias);
    return d;
}

// Given the primitive descriptor: reorder the weights into oneDNN's chosen layout (once), allocate the
// scratchpad (user-managed, so nothing is allocated per call) and fill the argument map.
template <typename PD>
static void finish(Rnn& r, const Descs& d, const PD& pd) {
    auto reordered = [&](memory user, const memory::desc& want) {
        if (user.get_desc() == want) return user;
        memory m(want, eng);
        reorder(user, m).execute(strm, user, m);
        strm.wait();
        return m;
    };
    r.args[DNNL_ARG_SRC_LAYER] = r.src_layer;
    r.args[DNNL_ARG_SRC_ITER] = zeros(d.iter);
    r.args[DNNL_ARG_WEIGHTS_LAYER] = reordered(r.user_weights_layer, pd.weights_layer_desc());
    r.args[DNNL_ARG_WEIGHTS_ITER] = reordered(r.user_weights_iter, pd.weights_iter_desc());
    r.args[DNNL_ARG_BIAS] = r.bias;
    r.args[DNNL_ARG_DST_LAYER] = r.dst_layer;
    r.args[DNNL_ARG_DST_ITER] = zeros(d.iter);
    r.args[DNNL_ARG_SCRATCHPAD] = memory(pd.scratchpad_desc(), eng);
    r.prim = primitive(pd);
}

static primitive_attr user_scratchpad() {
    primitive_attr attr;
    attr.set_scratchpad_mode(scratchpad_mode::user);
    return attr;
}

static Rnn make_lstm(const Shape& s) {
    Rnn r;
    Descs d = prepare(r, s, 4, 4);  // gates i, f, c~, o
    lstm_forward::desc desc(prop_kind::forward_inference, s.dir, d.src_layer, d.iter, d.iter, d.weights_layer_any,
                            d.weights_iter_any, d.bias, d.dst_layer, d.iter, d.iter);
    lstm_forward::primitive_desc pd(desc, user_scratchpad(), eng);
    finish(r, d, pd);
    r.args[DNNL_ARG_SRC_ITER_C] = zeros(d.iter);
    r.args[DNNL_ARG_DST_ITER_C] = zeros(d.iter);
    return r;
}

static Rnn make_gru(const Shape& s) {
    Rnn r;
    Descs d = prepare(r, s, 3, 4);  // gates u, r, n; bias has the extra "linear before reset" row
    lbr_gru_forward::desc desc(prop_kind::forward_inference, s.dir, d.src_layer, d.iter, d.weights_layer_any,
                               d.weights_iter_any, d.bias, d.dst_layer, d.iter);
    lbr_gru_forward::primitive_desc pd(desc, user_scratchpad(), eng);
    finish(r, d, pd);
    return r;
}

static Rnn make_simple_rnn(const Shape& s) {
    Rnn r;
    Descs d = prepare(r, s, 1, 1);
    vanilla_rnn_forward::desc desc(prop_kind::forward_inference, algorithm::eltwise_tanh, s.dir, d.src_layer, d.iter,
                                   d.weights_layer_any, d.weights_iter_any, d.bias, d.dst_layer, d.iter);
    vanilla_rnn_forward::primitive_desc pd(desc, user_scratchpad(), eng);
    finish(r, d, pd);
    return r;
}

// The instruction set oneDNN dispatches to (cap it with ONEDNN_MAX_CPU_ISA=AVX2 to compare with an AVX2-only build).
static const char* isa_name() {
    switch (get_effective_cpu_isa()) {
        case cpu_isa::sse41: return "SSE4.1";
        case cpu_isa::avx: return "AVX";
        case cpu_isa::avx2: return "AVX2";
        case cpu_isa::avx2_vnni: return "AVX2-VNNI";
        case cpu_isa::avx512_core: return "AVX-512";
        case cpu_isa::avx512_core_vnni: return "AVX-512-VNNI";
        case cpu_isa::avx512_core_bf16: return "AVX-512-BF16";
        case cpu_isa::avx512_core_amx: return "AMX";
        default: return "other";
    }
}

// Median wall time of `repeats` calls of fn after `warmup` untimed calls.
static double median_seconds(const std::function<void()>& fn, int repeats, int warmup = 2) {
    for (int i = 0; i < warmup; ++i) fn();
    std::vector<double> t;
    for (int i = 0; i < repeats; ++i) {
        auto start = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return repeats % 2 ? t[repeats / 2] : (t[repeats / 2 - 1] + t[repeats / 2]) / 2;
}

// Scalar LSTM (batch 1, unidirectional, zero initial state, zero bias) from the user's ldigo weights for the first
// `steps` steps, compared with oneDNN's dst_layer after r.run(). Returns the largest absolute difference.
static double check_lstm(Rnn& r, int steps) {
    const int I = r.s.input, H = r.s.hidden;
    const float *x = data(r.src_layer), *wl = data(r.user_weights_layer), *wi = data(r.user_weights_iter);
    const float* out = data(r.dst_layer);
    auto sigmoid = [](double v) { return 1 / (1 + std::exp(-v)); };
    std::vector<double> h(H, 0), c(H, 0), g(4 * H);
    double worst = 0;
    for (int t = 0; t < steps; ++t) {
        for (int k = 0; k < 4 * H; ++k) {  // k = gate * H + o, matching ldigo's (i, g, o) index (i * 4 + gate) * H + o
            double acc = 0;
            for (int i = 0; i < I; ++i) acc += x[t * I + i] * wl[i * 4 * H + k];
            for (int j = 0; j < H; ++j) acc += h[j] * wi[j * 4 * H + k];
            g[k] = acc;
        }
        for (int o = 0; o < H; ++o) {
            double ig = sigmoid(g[o]), fg = sigmoid(g[H + o]), cg = std::tanh(g[2 * H + o]), og = sigmoid(g[3 * H + o]);
            c[o] = fg * c[o] + ig * cg;
            h[o] = og * std::tanh(c[o]);
            worst = std::max(worst, std::fabs(h[o] - out[t * H + o]));
        }
    }
    return worst;
}

int main(int argc, char** argv) {
    const char* out_path = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--out") && i + 1 < argc) out_path = argv[++i];
        else { std::fprintf(stderr, "usage: %s [--out FILE]\n", argv[0]); return 2; }
    }
#ifdef _OPENMP
    int threads = omp_get_max_threads();
#else
    int threads = 1;
#endif
    const dnnl_version_t* v = dnnl::version();
    std::string version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);

    const int reps = 10;
    std::vector<std::pair<std::string, double>> results;
    struct Kind { const char* name; Rnn (*make)(const Shape&); };
    const Kind kinds[] = {{"LSTM", make_lstm}, {"GRU", make_gru}, {"SimpleRnn", make_simple_rnn}};

    for (const Kind& k : kinds) {
        std::string name = k.name;
        {   // W1 streaming: input 1, hidden 32, batch 1, one step per execute, state carried; seconds per step.
            Rnn r = k.make({1, 32, 1, 1});
            const int steps = 2000;
            double t = median_seconds([&] { for (int i = 0; i < steps; ++i) { r.run(); r.carry_state(); } }, 5);
            results.emplace_back("W1 " + name + " step", t / steps);
        }
        {   // W2 small inference: input 32, hidden 128, batch 1, 100 steps.
            Rnn r = k.make({32, 128, 1, 100});
            if (name == "LSTM") {
                r.run();
                double err = check_lstm(r, 3);
                std::printf("W2 LSTM vs scalar reference, first 3 steps: max |diff| = %.3g -> %s\n", err,
                            err < 1e-5 ? "check passed" : "CHECK FAILED");
                if (!(err < 1e-5)) return 1;
            }
            results.emplace_back("W2 " + name + " forward", median_seconds([&] { r.run(); }, reps * 3));
        }
        {   // W3 IMDB-like: input 32, hidden 32, batch 32, 500 steps.
            Rnn r = k.make({32, 32, 32, 500});
            results.emplace_back("W3 " + name + " forward", median_seconds([&] { r.run(); }, reps));
        }
    }
    {   // W5 bidirectional LSTM: input 64, hidden 128, batch 16, 200 steps, outputs concatenated to [T, B, 256].
        Rnn r = make_lstm({64, 128, 16, 200, rnn_direction::bidirectional_concat});
        results.emplace_back("W5 BiLSTM forward", median_seconds([&] { r.run(); }, reps));
    }

    std::printf("oneDNN %s, %d thread(s), ISA %s\n", version.c_str(), threads, isa_name());
    for (auto& [name, seconds] : results) std::printf("%-32s %12.2f µs\n", name.c_str(), seconds * 1e6);
    if (out_path) {
        FILE* f = std::fopen(out_path, "w");
        if (!f) { std::perror(out_path); return 1; }
        std::fprintf(f, "{\"onednn\": \"%s\", \"threads\": %d, \"seconds\": {", version.c_str(), threads);
        for (size_t i = 0; i < results.size(); ++i)
            std::fprintf(f, "%s\n \"%s\": %.6e", i ? "," : "", results[i].first.c_str(), results[i].second);
        std::fprintf(f, "\n}}\n");
        std::fclose(f);
    }
    return 0;
}

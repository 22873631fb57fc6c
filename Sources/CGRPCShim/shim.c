// The shim is header-only (include/CGRPCShim.h) but for one thing C must do before any other code runs.

#include <signal.h>
#include <string.h>

// `serve` must stop cleanly on a SIGTERM or SIGINT sent at any moment of its start-up, also before its Swift
// handler exists. The executable's .preinit_array runs before every library initializer and before Swift's
// main, so both signals are blocked from there on: one that comes early stays pending, and StopSignals.swift
// unblocks them once its handler is in. Only for `serve` (the same test as RunPodAutoscalerCommand.main): every
// other command, and the test runners that link this file, keep the default action.
static void rpa_block_stop_signals_for_serve(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "serve") != 0) {
        return;
    }
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL);
}

__attribute__((section(".preinit_array"), used)) static void (*const rpa_preinit)(int, char **, char **) =
    rpa_block_stop_signals_for_serve;

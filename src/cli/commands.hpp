// chainward CLI: one file per command (cmd_<name>.cpp), each registering itself on the app.
// Commands parse flags, call the library areas, and print; they hold no domain logic.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace chainward::store {
class TransferStore;
}

namespace chainward::cli {

/// Exit code for errors that abort a command (bad input, store failure).
inline constexpr int kExitError = 1;
/// safe-check's exit code for input errors, command-line arguments included (docs/safe-check.md).
inline constexpr int kExitSafeCheckInput = 3;
/// Exit code for a command-line argument error (unknown flag, missing or malformed value,
/// contradictory flags): kExitSafeCheckInput for safe-check, kExitError otherwise.
int argument_error_exit(int argc, char** argv);
/// Thrown by command callbacks to end with a given exit code after printing nothing more.
struct Exit {
    int code;
};

/// --data-dir DIR on a subcommand; default $CHAINWARD_DATA or ./chainward-data.
void add_data_dir_option(CLI::App& cmd, std::string& dir);

/// Makes `o` repeatable: one value per use (repeat the flag, or separate values by commas), so
/// that it never takes the arguments after it (paths, another command's words) as more values.
inline CLI::Option* repeatable(CLI::Option* o) {
    return o->expected(1)->allow_extra_args(false)->take_all()->delimiter(',');
}

void add_ingest_command(CLI::App& app);
void add_stats_command(CLI::App& app);
void add_transfers_command(CLI::App& app);
void add_balance_command(CLI::App& app);
void add_rollback_command(CLI::App& app);
void add_compact_command(CLI::App& app);
void add_safe_check_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_trace_command(CLI::App& app);
void add_screen_command(CLI::App& app);
void add_exposure_command(CLI::App& app);
/// After an ingest: applies the new blocks to the stored exposure, if the data dir keeps one.
void update_exposure_after_ingest(const store::TransferStore& st, const std::string& data_dir);
void add_labels_command(CLI::App& app);
/// serve (the HTTP screening service) and keys (its API keys).
void add_serve_command(CLI::App& app);

}  // namespace chainward::cli

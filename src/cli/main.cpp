#include <fmt/core.h>

#include <cstdlib>
#include <exception>
#include <string_view>

#include "cli/commands.hpp"
#include "core/core.hpp"

namespace chainward::cli {

void add_data_dir_option(CLI::App& cmd, std::string& dir) {
    const char* env = std::getenv("CHAINWARD_DATA");
    dir = env && *env ? env : "./chainward-data";
    cmd.add_option("--data-dir", dir, "store directory (default $CHAINWARD_DATA or ./chainward-data)");
}

int argument_error_exit(int argc, char** argv) {
    // The subcommand is the first word that is not an option (the app's own options take no
    // values).
    for (int i = 1; i < argc; ++i)
        if (argv[i][0] != '-') return std::string_view(argv[i]) == "safe-check" ? kExitSafeCheckInput : kExitError;
    return kExitError;
}

}  // namespace chainward::cli

int main(int argc, char** argv) {
    using namespace chainward;
    CLI::App app{"chainward: trace, screen and monitor crypto transfers; verify Safe transactions"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "chainward 0.1.0");
    cli::add_ingest_command(app);
    cli::add_stats_command(app);
    cli::add_transfers_command(app);
    cli::add_balance_command(app);
    cli::add_rollback_command(app);
    cli::add_compact_command(app);
    cli::add_safe_check_command(app);
    cli::add_simulate_command(app);
    cli::add_trace_command(app);
    cli::add_screen_command(app);
    cli::add_exposure_command(app);
    cli::add_labels_command(app);
    cli::add_serve_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end here with 0; argument errors get the documented codes
        // (safe-check: 3 for any input error), not the parser library's own 104-109.
        int code = app.exit(e);
        return code == 0 ? 0 : cli::argument_error_exit(argc, argv);
    } catch (const cli::Exit& e) {
        return e.code;
    } catch (const InputError& e) {
        fmt::print(stderr, "chainward: error: {}\n", e.what());
        return cli::kExitError;
    } catch (const StoreError& e) {
        fmt::print(stderr, "chainward: store error: {}\n", e.what());
        return cli::kExitError;
    } catch (const std::exception& e) {
        fmt::print(stderr, "chainward: error: {}\n", e.what());
        return cli::kExitError;
    }
    return 0;
}

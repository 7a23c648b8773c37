// `conformscan keygen --out PREFIX`: an Ed25519 key pair for signing reports.
#include <fmt/format.h>

#include "reports/signature.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

void setup_keygen(CLI::App& app, AppContext& ctx) {
    auto prefix = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("keygen",
                                   "Generate an Ed25519 key pair for signing reports: PREFIX.key (PKCS#8 PEM, mode "
                                   "0600) and PREFIX.pub; never overwrites; prints the key id");
    cmd->add_option("-o,--out", *prefix, "Path prefix of the two key files")->required();
    cmd->callback([&ctx, prefix]() {
        ctx.setup_logging();
        auto pair = reports::generate_key_pair(*prefix);
        if (!pair) throw UsageError(fmt::format("keygen: {}", pair.error().describe()));
        if (!ctx.quiet)
            fmt::print("private key: {} (keep it secret)\npublic key:  {}\nkey id:      {}\n",
                       pair->private_key.string(), pair->public_key.string(), pair->key_id);
        ctx.exit_code = kExitClean;
    });
}

}  // namespace conformscan::cli

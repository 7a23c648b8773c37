// Corpus replay driver: runs LLVMFuzzerTestOneInput on every file of a
// directory, so each fuzz target's corpus is a regression test in the normal
// suite (tests/CMakeLists.txt links this with every tests/fuzz/*_fuzz.cpp).
//
// To fuzz for real, build the target with libFuzzer's own main instead of
// this file, e.g. for tls_record_fuzz from the repository root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. -o tls_record_fuzz
//       tests/fuzz/tls_record_fuzz.cpp checks/tls/wire/*.cpp
//       scanner/core/byte_reader.cpp scanner/core/result.cpp -lfmt
//
// (one command line, shown on three lines)
//   ./tls_record_fuzz -max_total_time=300 tests/fuzz/corpus/tls_record_fuzz
//
// (add any further scanner/core/*.cpp the wire code comes to need). New
// crashers go into the corpus directory so that the replay keeps them fixed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        std::fprintf(stderr, "%s: no corpus directory '%s'\n", argv[0], dir.c_str());
        return 1;
    }
    std::size_t replayed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
        // libFuzzer never passes a null pointer, even for an empty input.
        static const std::uint8_t kEmpty = 0;
        LLVMFuzzerTestOneInput(bytes.empty() ? &kEmpty : bytes.data(), bytes.size());
        ++replayed;
    }
    if (ec) {
        std::fprintf(stderr, "%s: cannot read '%s': %s\n", argv[0], dir.c_str(), ec.message().c_str());
        return 1;
    }
    std::printf("%zu inputs replayed\n", replayed);
    return 0;
}

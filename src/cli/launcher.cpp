// `mallard`: starts `mallard_cli` (the shell and the pipeline's subcommands), which lies next to it,
// with the same arguments, after RequestHugePageHeap. The program is started by exec, so it keeps
// this process's id, open files and signals.
#include "mallard/cli/huge_page_heap.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

int main(int argc, char **argv) {
	char self[PATH_MAX];
	auto length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (length <= 0) {
		fprintf(stderr, "mallard: cannot find where this program lies (/proc/self/exe): %s\n", strerror(errno));
		return 127;
	}
	std::string program(self, static_cast<size_t>(length));
	program = program.substr(0, program.rfind('/') + 1) + "mallard_cli";
	duckdb::RequestHugePageHeap();
	execv(program.c_str(), argv);
	fprintf(stderr, "mallard: cannot start %s: %s\n", program.c_str(), strerror(errno));
	return 127;
}

#include "mallard/cli/huge_page_heap.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace duckdb {

namespace {

//! Set by the launcher only: "=" and the GLIBC_TUNABLES the user gave, or "-" for none.
constexpr const char *USER_TUNABLES_VARIABLE = "MALLARD_USER_GLIBC_TUNABLES";
constexpr const char *TUNABLES_VARIABLE = "GLIBC_TUNABLES";
constexpr const char *HUGE_PAGE_TUNABLE = "glibc.malloc.hugetlb=1";

} // namespace

bool TransparentHugePagesEnabled() {
	std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
	std::string modes;
	return std::getline(file, modes) && modes.find('[') != std::string::npos &&
	       modes.find("[never]") == std::string::npos;
}

void RequestHugePageHeap() {
#if defined(__GLIBC__) && defined(__linux__)
	const char *user = getenv(TUNABLES_VARIABLE);
	if ((user && strstr(user, "glibc.malloc.hugetlb")) || !TransparentHugePagesEnabled()) {
		return;
	}
	std::string saved = user ? std::string("=") + user : std::string("-");
	std::string tunables = user && user[0] ? std::string(user) + ":" + HUGE_PAGE_TUNABLE : HUGE_PAGE_TUNABLE;
	setenv(USER_TUNABLES_VARIABLE, saved.c_str(), 1);
	setenv(TUNABLES_VARIABLE, tunables.c_str(), 1);
#endif
}

void RestoreUserEnvironment() {
	const char *value = getenv(USER_TUNABLES_VARIABLE);
	if (!value) {
		return;
	}
	std::string saved(value);
	if (saved[0] == '=') {
		setenv(TUNABLES_VARIABLE, saved.c_str() + 1, 1);
	} else {
		unsetenv(TUNABLES_VARIABLE);
	}
	unsetenv(USER_TUNABLES_VARIABLE);
}

} // namespace duckdb

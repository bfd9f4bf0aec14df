// The environment the `mallard` launcher hands its program (mallard/cli/huge_page_heap.hpp): the
// huge-page tunable is added to what the user gave, and the program puts the user's value back.
#include "mallard/cli/huge_page_heap.hpp"

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

using namespace duckdb;

namespace {

//! GLIBC_TUNABLES as a string, "<unset>" when it is not set.
std::string Tunables() {
	auto value = getenv("GLIBC_TUNABLES");
	return value ? value : "<unset>";
}

//! Sets GLIBC_TUNABLES (or unsets it for nullptr) for one test and restores it after.
class HugePageHeapTest : public ::testing::Test {
protected:
	void SetUp() override {
		auto value = getenv("GLIBC_TUNABLES");
		had_tunables = value != nullptr;
		original = value ? value : "";
		unsetenv("MALLARD_USER_GLIBC_TUNABLES");
	}
	void TearDown() override {
		if (had_tunables) {
			setenv("GLIBC_TUNABLES", original.c_str(), 1);
		} else {
			unsetenv("GLIBC_TUNABLES");
		}
		unsetenv("MALLARD_USER_GLIBC_TUNABLES");
	}
	static void SetTunables(const char *value) {
		if (value) {
			setenv("GLIBC_TUNABLES", value, 1);
		} else {
			unsetenv("GLIBC_TUNABLES");
		}
	}
	bool had_tunables = false;
	std::string original;
};

} // namespace

TEST_F(HugePageHeapTest, AddsTheTunableAndPutsBackWhatTheUserHad) {
	if (!TransparentHugePagesEnabled()) {
		GTEST_SKIP() << "transparent huge pages are off on this machine: nothing is requested";
	}
	SetTunables(nullptr);
	RequestHugePageHeap();
	EXPECT_EQ(Tunables(), "glibc.malloc.hugetlb=1");
	RestoreUserEnvironment();
	EXPECT_EQ(Tunables(), "<unset>");
	EXPECT_EQ(getenv("MALLARD_USER_GLIBC_TUNABLES"), nullptr);

	SetTunables("glibc.malloc.check=0");
	RequestHugePageHeap();
	EXPECT_EQ(Tunables(), "glibc.malloc.check=0:glibc.malloc.hugetlb=1");
	RestoreUserEnvironment();
	EXPECT_EQ(Tunables(), "glibc.malloc.check=0");

	// Set but empty stays set and empty.
	SetTunables("");
	RequestHugePageHeap();
	EXPECT_EQ(Tunables(), "glibc.malloc.hugetlb=1");
	RestoreUserEnvironment();
	EXPECT_EQ(Tunables(), "");
}

TEST_F(HugePageHeapTest, TheUsersOwnHugePageChoiceIsKept) {
	SetTunables("glibc.malloc.hugetlb=0");
	RequestHugePageHeap();
	EXPECT_EQ(Tunables(), "glibc.malloc.hugetlb=0");
	EXPECT_EQ(getenv("MALLARD_USER_GLIBC_TUNABLES"), nullptr);
	RestoreUserEnvironment();
	EXPECT_EQ(Tunables(), "glibc.malloc.hugetlb=0");
}

TEST_F(HugePageHeapTest, RestoringWithoutTheLauncherChangesNothing) {
	SetTunables("glibc.malloc.check=0");
	RestoreUserEnvironment();
	EXPECT_EQ(Tunables(), "glibc.malloc.check=0");
}

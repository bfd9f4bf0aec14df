#include "mallard/pipeline/private_postgres.hpp"

#include "duckdb/common/string_util.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace duckdb {

//! The newest /usr/lib/postgresql/<major>/bin with initdb and pg_ctl, or "".
static string FindServerPrograms() {
	vector<std::pair<int, string>> found;
	auto root = opendir("/usr/lib/postgresql");
	if (!root) {
		return "";
	}
	while (auto entry = readdir(root)) {
		string bin = string("/usr/lib/postgresql/") + entry->d_name + "/bin";
		if (access((bin + "/initdb").c_str(), X_OK) == 0 && access((bin + "/pg_ctl").c_str(), X_OK) == 0) {
			found.emplace_back(atoi(entry->d_name), bin);
		}
	}
	closedir(root);
	if (found.empty()) {
		return "";
	}
	std::sort(found.begin(), found.end());
	return found.back().second;
}

//! A loopback port nobody listens on right now (the kernel's pick).
static int FreeLoopbackPort() {
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in address = {};
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = 0;
	socklen_t length = sizeof(address);
	if (fd < 0 || bind(fd, (sockaddr *)&address, sizeof(address)) != 0 ||
	    getsockname(fd, (sockaddr *)&address, &length) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		throw IOException("cannot find a free loopback port for the demo's PostgreSQL");
	}
	close(fd);
	return ntohs(address.sin_port);
}

PrivatePostgres::PrivatePostgres() {
	bin = FindServerPrograms();
	if (bin.empty()) {
		throw IOException("no PostgreSQL server found under /usr/lib/postgresql/*/bin; install the Debian package "
		                  "'postgresql' (scripts/install-deps.sh demo does, as root)");
	}
	char name[] = "/tmp/mallard-demo-pg-XXXXXX";
	if (!mkdtemp(name)) {
		throw IOException("cannot create a temporary folder for the demo's PostgreSQL");
	}
	folder = name;
	if (geteuid() == 0) {
		auto user = getpwnam("postgres");
		if (!user) {
			throw IOException("running as root, but there is no `postgres` OS user to run the demo's PostgreSQL");
		}
		as_postgres_user = true;
		if (chown(folder.c_str(), user->pw_uid, user->pw_gid) != 0) {
			throw IOException("cannot hand %s to the postgres user", folder);
		}
	}
	port = FreeLoopbackPort();
	auto data = folder + "/data";
	if (RunProgram({bin + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
	                "--locale=C.UTF-8"}) != 0) {
		throw IOException("initdb failed; see %s/server.log", folder);
	}
	{
		std::ofstream conf(data + "/postgresql.conf", std::ios::app);
		conf << "\n# mallard demo server\nlisten_addresses = '127.0.0.1'\nport = " << port
		     << "\nunix_socket_directories = '" << data << "'\nfsync = off\nsynchronous_commit = off\n"
		     << "full_page_writes = off\n";
	}
	{
		std::ofstream hba(data + "/pg_hba.conf", std::ios::trunc);
		hba << "local all all trust\nhost all all 127.0.0.1/32 trust\n";
	}
	if (RunProgram({bin + "/pg_ctl", "-D", data, "-l", folder + "/server.log", "-w", "-t", "60", "start"}) != 0) {
		throw IOException("the demo's PostgreSQL did not start; see %s/server.log", folder);
	}
	running = true;
	StartWatchdog();
}

void PrivatePostgres::StartWatchdog() {
	// A child that outlives us only to clean up: it blocks reading a pipe whose write end only we
	// hold, so it wakes when we stop the server or die in any way (a crash, SIGKILL), then makes
	// sure the server is down and its folder gone. Without it a crash would leave a server running.
	int fds[2];
	if (pipe(fds) != 0) {
		return; // no watchdog; Stop() still runs on every normal and error exit
	}
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (child == 0) {
		close(fds[1]);
		setpgid(0, 0); // a Ctrl-C meant for the demo is not for the watchdog
		char byte;
		while (read(fds[0], &byte, 1) < 0 && errno == EINTR) {
		}
		RunProgram({bin + "/pg_ctl", "-D", folder + "/data", "-m", "immediate", "-w", "-t", "60", "stop"});
		std::error_code ignored;
		std::filesystem::remove_all(folder, ignored);
		_exit(0);
	}
	close(fds[0]);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC); // later children (pg_ctl stop) must not hold it open
	watchdog_pipe = fds[1];
	watchdog_pid = child;
}

PrivatePostgres::~PrivatePostgres() {
	try {
		Stop();
	} catch (...) {
	}
}

void PrivatePostgres::Stop() {
	if (running) {
		RunProgram({bin + "/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "-t", "60", "stop"});
		running = false;
	}
	if (watchdog_pipe >= 0) {
		close(watchdog_pipe); // the watchdog finds the server stopped; let it finish before we go on
		watchdog_pipe = -1;
		int status;
		while (waitpid(watchdog_pid, &status, 0) < 0 && errno == EINTR) {
		}
	}
	if (!folder.empty()) {
		std::error_code ignored;
		std::filesystem::remove_all(folder, ignored);
		folder.clear();
	}
}

string PrivatePostgres::ConnectionString() const {
	return StringUtil::Format("host=127.0.0.1 port=%d user=postgres dbname=postgres", port);
}

string PrivatePostgres::Description() const {
	return StringUtil::Format("PostgreSQL (%s) on 127.0.0.1:%d, cluster in %s", bin, port, folder);
}

int PrivatePostgres::RunProgram(const vector<string> &arguments) {
	vector<string> command;
	if (as_postgres_user) {
		command = {"runuser", "-u", "postgres", "--"};
	}
	command.insert(command.end(), arguments.begin(), arguments.end());
	auto log = folder + "/setup.log";
	pid_t child = fork();
	if (child < 0) {
		return -1;
	}
	if (child == 0) {
		int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		// Our own process group: a Ctrl-C meant for the demo must not reach the server.
		setpgid(0, 0);
		vector<char *> argv;
		for (auto &argument : command) {
			argv.push_back(const_cast<char *>(argument.c_str()));
		}
		argv.push_back(nullptr);
		execvp(argv[0], argv.data());
		_exit(127);
	}
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace duckdb

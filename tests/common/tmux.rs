//! `gloss` in tmux on a private socket: start it with its own config and state
//! folders, send keys, read the screen, wait for text; the server is killed on
//! drop. tmux must be installed (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How a test file starts its sessions. The fields are what the files differ
/// in; the rest (a 100×30 pane in the test folder, GLOSS_STATE_DIR in its
/// `.state`, keys 60 ms apart) is the same for all.
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    /// Start of the socket's name; the process id and the time follow.
    pub socket: &'a str,
    /// GLOSS_CONFIG_DIR, a folder in the test folder.
    pub config_dir: &'a str,
    /// Create that folder (empty) before starting.
    pub create_config_dir: bool,
    /// Remove NO_COLOR from gloss's environment (colours on).
    pub colour: bool,
    /// A shell command run after gloss exits, so its pane and what it printed
    /// stay; "" for none.
    pub then: &'a str,
    /// A global tmux option set once the session runs.
    pub option: (&'a str, &'a str),
}

impl<'a> Setup<'a> {
    /// For sessions that end normally: no config folder, no colours, and the
    /// pane kept 30 s after gloss exits (what it printed can be read).
    pub const fn plain(socket: &'a str) -> Setup<'a> {
        Setup {
            socket,
            config_dir: ".no-config",
            create_config_dir: false,
            colour: false,
            then: "sleep 30",
            option: ("remain-on-exit", "off"),
        }
    }

    /// For sessions that are killed or crash: an empty config folder, colours
    /// on, and a pane that remains when its process exits (what a crashed
    /// process printed can be read).
    pub const fn remain_on_exit(socket: &'a str) -> Setup<'a> {
        Setup {
            socket,
            config_dir: ".config-empty",
            create_config_dir: true,
            colour: true,
            then: "",
            option: ("remain-on-exit", "on"),
        }
    }

    /// Start `gloss {args}` in `dir`.
    pub fn start(&self, dir: &Path, args: &str) -> Tmux {
        self.start_with_env(dir, args, &[])
    }

    /// Start `gloss {args}` in `dir` with more environment variables.
    ///
    /// Without `then` and without `;` in `args` gloss is `exec`ed, so the
    /// pane's pid is gloss itself (kill -9 reaches it); a command list keeps a
    /// shell around to show what gloss printed.
    pub fn start_with_env(&self, dir: &Path, args: &str, extra_env: &[(&str, &str)]) -> Tmux {
        let args = if self.then.is_empty() {
            args.to_string()
        } else {
            format!("{args}; {}", self.then)
        };
        let line = format!(
            "{}{} {args}",
            if args.contains(';') { "" } else { "exec " },
            env!("CARGO_BIN_EXE_gloss")
        );
        self.start_command(dir, &line, extra_env)
    }

    /// Run the shell command `line` (which starts gloss itself, e.g. inside
    /// `unshare`) in `dir`, with the same environment as [`Setup::start_with_env`].
    pub fn start_command(&self, dir: &Path, line: &str, extra_env: &[(&str, &str)]) -> Tmux {
        let socket = format!(
            "{}-{}-{}",
            self.socket,
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let config = dir.join(self.config_dir);
        if self.create_config_dir {
            std::fs::create_dir_all(&config).unwrap();
        }
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "100", "-y", "30", "-c"])
            .arg(dir)
            .arg(line)
            .env("GLOSS_CONFIG_DIR", &config)
            .env("GLOSS_STATE_DIR", dir.join(".state"));
        if self.colour {
            cmd.env_remove("NO_COLOR");
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let t = Tmux { socket };
        let status = cmd
            .status()
            .expect("tmux must be installed to run the TUI tests");
        assert!(status.success());
        let (name, value) = self.option;
        t.tmux(&["set-option", "-g", name, value]);
        t
    }
}

/// A `gloss` session in tmux on its own socket, killed with the server on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J"])
    }

    /// The screen once it shows `text`; fails after 10 seconds.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_within(text, Duration::from_secs(10)).0
    }

    /// The screen once it shows `text`, and how long that took; fails after `limit`.
    pub fn wait_for_within(&self, text: &str, limit: Duration) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return (s, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {text:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The screen once the status line counts `counts` (the tags just
    /// made, `C1 A0 P0`) and then says "✓ saved". It says that from the
    /// start too, so waiting for it alone could read it before the keys.
    pub fn wait_saved(&self, counts: &str) -> String {
        self.wait_for(counts);
        self.wait_for("✓ saved")
    }

    /// The pane's process: gloss, or the shell running it in a command list.
    pub fn pid(&self) -> i32 {
        self.tmux(&["list-panes", "-F", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap()
    }

    pub fn title(&self) -> String {
        self.tmux(&["display-message", "-p", "#{pane_title}"])
    }

    pub fn buffers(&self) -> String {
        self.tmux(&["list-buffers"])
    }

    /// True once gloss has exited (with `then: "sleep …"`, the `sleep` is left).
    pub fn gloss_exited(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{pane_current_command}"])
            .trim()
            == "sleep"
    }

    /// Wait (up to 10 seconds) for gloss to exit; see `gloss_exited`.
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while !self.gloss_exited() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "gloss did not quit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Send `signal` (as `kill` spells it: "-9", "-TERM") to `pid`.
pub fn kill(signal: &str, pid: i32) {
    Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
}

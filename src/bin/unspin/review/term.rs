//! The terminal: raw mode and the alternate screen on the way in, and always
//! restored on the way out: on return, on error, on panic (a panic hook),
//! and on SIGTERM, SIGINT or SIGHUP (caught as flags the event loop reads).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct Screen {
    /// The ratatui terminal to draw on.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Switches the terminal to raw mode and the alternate screen, after
    /// installing the panic hook that switches it back.
    pub fn enter() -> io::Result<Screen> {
        install_panic_hook();
        enable_raw_mode()?;
        let screen = Screen {
            terminal: Terminal::new(CrosstermBackend::new(io::stdout()))?,
        };
        execute!(io::stdout(), EnterAlternateScreen)?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen, shows the cursor and turns raw mode off.
/// Harmless when the terminal is already restored.
pub fn restore() {
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

/// Restores the terminal before the default hook prints the panic, so the
/// message lands on a usable screen.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Termination signals caught while the screen is up.
pub struct Signals {
    caught: Arc<AtomicUsize>,
}

impl Signals {
    /// Catches SIGTERM, SIGINT and SIGHUP: the first one sets a flag for the
    /// event loop; a second one ends the process at once.
    pub fn catch() -> io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::flag;
        let caught = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(false));
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&armed))?;
            flag::register(sig, Arc::clone(&armed))?;
            flag::register_usize(sig, Arc::clone(&caught), sig as usize)?;
        }
        Ok(Signals { caught })
    }

    /// The signal caught, if any.
    pub fn caught(&self) -> Option<i32> {
        match self.caught.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(sig as i32),
        }
    }
}

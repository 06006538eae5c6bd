//! Colours and emphasis. `NO_COLOR` (or theme `mono`) keeps only modifiers.

use ratatui::style::{Color, Modifier, Style};

use crate::annotation::Kind;
use crate::document::formats::TextStyle;

/// Styles used by the views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub color: bool,
    pub claim: Style,
    pub advice: Style,
    pub position: Style,
    pub text: Style,
    pub selected: Style,
    pub bar: Style,
    pub number: Style,
    pub dim: Style,
    pub matched: Style,
    pub border: Style,
    pub focus_border: Style,
    pub status: Style,
    pub status_error: Style,
    pub highlight: Style,
    pub disagreement: Style,
    /// Words being selected (`v`, a mouse drag).
    pub selection: Style,
}

impl Theme {
    /// Themes by name: `default` (dark terminals), `light`, `mono`.
    pub fn named(name: &str, no_color: bool) -> Theme {
        if no_color || name == "mono" {
            return Theme::mono();
        }
        if name == "light" {
            return Theme {
                name: "light".into(),
                selected: Style::default().bg(Color::Rgb(232, 232, 210)),
                matched: Style::default()
                    .bg(Color::Rgb(255, 214, 102))
                    .fg(Color::Black),
                ..Theme::dark()
            };
        }
        Theme::dark()
    }

    fn dark() -> Theme {
        Theme {
            name: "default".into(),
            color: true,
            claim: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            advice: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            position: Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            text: Style::default(),
            selected: Style::default().bg(Color::Rgb(40, 44, 60)),
            bar: Style::default()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            number: Style::default().fg(Color::DarkGray),
            dim: Style::default().fg(Color::DarkGray),
            matched: Style::default().bg(Color::Yellow).fg(Color::Black),
            border: Style::default().fg(Color::DarkGray),
            focus_border: Style::default().fg(Color::LightBlue),
            status: Style::default().bg(Color::Rgb(30, 30, 46)).fg(Color::White),
            status_error: Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            highlight: Style::default().add_modifier(Modifier::REVERSED),
            disagreement: Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            selection: Style::default()
                .bg(Color::LightBlue)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// No colour at all: bold, reverse and underline carry the meaning.
    pub fn mono() -> Theme {
        let plain = Style::default();
        Theme {
            name: "mono".into(),
            color: false,
            claim: plain.add_modifier(Modifier::BOLD),
            advice: plain.add_modifier(Modifier::BOLD),
            position: plain.add_modifier(Modifier::BOLD),
            text: plain,
            selected: plain,
            bar: plain.add_modifier(Modifier::BOLD),
            number: plain,
            dim: plain,
            matched: plain.add_modifier(Modifier::REVERSED),
            border: plain,
            focus_border: plain.add_modifier(Modifier::BOLD),
            status: plain.add_modifier(Modifier::REVERSED),
            status_error: plain.add_modifier(Modifier::BOLD),
            highlight: plain.add_modifier(Modifier::REVERSED),
            disagreement: plain.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            selection: plain.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
        }
    }

    /// A narrowed annotation's quote in the text: faint, in its kind's
    /// colour (underlined without colour).
    pub fn quote_faint(&self, kind: Kind) -> Style {
        let underlined = Style::default().add_modifier(Modifier::UNDERLINED);
        match self.kind(kind).fg {
            Some(colour) if self.color => underlined.fg(colour),
            _ => underlined,
        }
    }

    /// The selected annotation's quote: strong, on its kind's colour
    /// (reversed without colour).
    pub fn quote_strong(&self, kind: Kind) -> Style {
        match self.kind(kind).fg {
            Some(colour) if self.color => Style::default().bg(colour).fg(Color::Black),
            _ => Style::default().add_modifier(Modifier::REVERSED),
        }
    }

    /// How a styled run of the original is drawn: modifiers only, so they
    /// combine with every highlight and show without colour; code is also
    /// tinted where there is colour.
    pub fn text_style(&self, style: TextStyle) -> Style {
        let plain = Style::default();
        match style {
            TextStyle::Emphasis => plain.add_modifier(Modifier::ITALIC),
            TextStyle::Strong | TextStyle::Heading => plain.add_modifier(Modifier::BOLD),
            TextStyle::Code if self.color => plain.fg(Color::Green),
            TextStyle::Code => plain,
        }
    }

    pub fn kind(&self, kind: Kind) -> Style {
        match kind {
            Kind::Claim => self.claim,
            Kind::Advice => self.advice,
            Kind::Position => self.position,
        }
    }
}

/// How many colours a terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// None (`TERM=dumb`, a VT100): bold, reverse and underline only.
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit colour.
    TrueColor,
}

impl ColorDepth {
    /// Judge the depth as `tput colors` and common programs do: `TERM` unset
    /// or `dumb` has none; `COLORTERM=truecolor`/`24bit` or a `*-direct`
    /// terminal has 24 bits; otherwise terminfo's `colors` (`terminfo_colors`,
    /// `None` when the entry is not found), else the name (`*256color*`, `vt*`).
    pub fn judge(
        term: Option<&str>,
        colorterm: Option<&str>,
        terminfo_colors: Option<i32>,
    ) -> ColorDepth {
        let term = term.unwrap_or("").trim();
        if term.is_empty() || term == "dumb" {
            return ColorDepth::Mono;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
            return ColorDepth::TrueColor;
        }
        match terminfo_colors {
            Some(n) if n >= 1 << 24 => ColorDepth::TrueColor,
            Some(n) if n >= 256 => ColorDepth::Ansi256,
            Some(n) if n >= 8 => ColorDepth::Ansi16,
            Some(_) => ColorDepth::Mono,
            None if term.contains("256color") => ColorDepth::Ansi256,
            None if term.starts_with("vt") => ColorDepth::Mono,
            None => ColorDepth::Ansi16,
        }
    }
}

impl Theme {
    /// The theme `name` as a terminal of `depth` can show it: 24-bit colours
    /// become the nearest of the 256 or 16 the terminal has; none at all
    /// gives `mono`.
    pub fn for_terminal(name: &str, no_color: bool, depth: ColorDepth) -> Theme {
        if depth == ColorDepth::Mono {
            return Theme::mono();
        }
        let mut theme = Theme::named(name, no_color);
        if !theme.color || depth == ColorDepth::TrueColor {
            return theme;
        }
        for style in [
            &mut theme.claim,
            &mut theme.advice,
            &mut theme.position,
            &mut theme.text,
            &mut theme.selected,
            &mut theme.bar,
            &mut theme.number,
            &mut theme.dim,
            &mut theme.matched,
            &mut theme.border,
            &mut theme.focus_border,
            &mut theme.status,
            &mut theme.status_error,
            &mut theme.highlight,
            &mut theme.disagreement,
        ] {
            style.fg = style.fg.map(|c| reduce(c, depth, false));
            style.bg = style.bg.map(|c| reduce(c, depth, true));
        }
        theme
    }
}

/// The 16 ANSI colours as xterm shows them.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// A colour the terminal has. A background never becomes black: on a dark
/// terminal a bar (the selection, the status line) would vanish.
fn reduce(color: Color, depth: ColorDepth, background: bool) -> Color {
    let Color::Rgb(r, g, b) = color else {
        return color;
    };
    let distance = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, x) + d(g, y) + d(b, z)
    };
    match depth {
        ColorDepth::Ansi256 => {
            // The 6×6×6 cube and the grey ramp, whichever is closer.
            const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
            let level = |v: u8| {
                (0..6)
                    .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
                    .unwrap_or(0)
            };
            let (i, j, k) = (level(r), level(g), level(b));
            let cube = (LEVELS[i], LEVELS[j], LEVELS[k]);
            let average = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
            let grey_step = ((average.saturating_sub(8) + 5) / 10).min(23) as u8;
            let grey = 8 + 10 * grey_step;
            if distance((grey, grey, grey)) < distance(cube) {
                Color::Indexed(232 + grey_step)
            } else {
                Color::Indexed(16 + 36 * i as u8 + 6 * j as u8 + k as u8)
            }
        }
        _ => ANSI16
            .iter()
            .filter(|(c, _)| !(background && *c == Color::Black))
            .min_by_key(|(_, rgb)| distance(*rgb))
            .map_or(color, |(c, _)| *c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 9, item 19): `TERM=dumb` and monochrome terminals
    /// were sent 24-bit colour.
    #[test]
    fn colour_depth_follows_the_terminal() {
        use ColorDepth::*;
        assert_eq!(
            ColorDepth::judge(Some("dumb"), Some("truecolor"), None),
            Mono
        );
        assert_eq!(ColorDepth::judge(None, None, None), Mono);
        assert_eq!(ColorDepth::judge(Some("vt100"), None, Some(-1)), Mono);
        assert_eq!(ColorDepth::judge(Some("vt220"), None, None), Mono);
        assert_eq!(ColorDepth::judge(Some("xterm"), None, Some(8)), Ansi16);
        assert_eq!(ColorDepth::judge(Some("linux"), None, None), Ansi16);
        assert_eq!(
            ColorDepth::judge(Some("xterm-256color"), None, Some(256)),
            Ansi256
        );
        assert_eq!(
            ColorDepth::judge(Some("tmux-256color"), None, None),
            Ansi256
        );
        assert_eq!(
            ColorDepth::judge(Some("xterm-256color"), Some("truecolor"), Some(256)),
            TrueColor
        );
        assert_eq!(
            ColorDepth::judge(Some("xterm-direct"), None, None),
            TrueColor
        );
    }

    #[test]
    fn no_24_bit_colour_reaches_a_terminal_without_it() {
        let rgb = |c: Option<Color>| matches!(c, Some(Color::Rgb(..)));
        for name in ["default", "light"] {
            for depth in [ColorDepth::Ansi16, ColorDepth::Ansi256, ColorDepth::Mono] {
                let t = Theme::for_terminal(name, false, depth);
                for s in [t.selected, t.status, t.matched, t.claim, t.text] {
                    assert!(!rgb(s.fg) && !rgb(s.bg), "{name} {depth:?}: {s:?}");
                }
                if depth == ColorDepth::Mono {
                    assert_eq!(t, Theme::mono());
                } else {
                    // The selection bar stays visible.
                    assert!(t.selected.bg.is_some_and(|c| c != Color::Black));
                }
            }
        }
        assert_eq!(
            Theme::for_terminal("default", false, ColorDepth::TrueColor),
            Theme::named("default", false)
        );
        assert_eq!(
            reduce(Color::Rgb(0, 0, 0), ColorDepth::Ansi256, false),
            Color::Indexed(16)
        );
        assert_eq!(
            reduce(Color::Rgb(255, 255, 255), ColorDepth::Ansi256, false),
            Color::Indexed(231)
        );
        assert_eq!(
            reduce(Color::Rgb(128, 128, 128), ColorDepth::Ansi256, false),
            Color::Indexed(244)
        );
        assert_eq!(
            reduce(Color::Rgb(255, 214, 102), ColorDepth::Ansi16, true),
            Color::LightYellow
        );
    }
}

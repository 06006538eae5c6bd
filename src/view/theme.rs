//! Colours and emphasis. `NO_COLOR` (or theme `mono`) keeps only modifiers.

use ratatui::style::{Color, Modifier, Style};

use crate::annotation::Kind;

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

    pub fn kind(&self, kind: Kind) -> Style {
        match kind {
            Kind::Claim => self.claim,
            Kind::Advice => self.advice,
            Kind::Position => self.position,
        }
    }
}

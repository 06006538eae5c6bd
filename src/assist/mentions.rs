//! Actor mentions in a document's paragraphs, each found by a named rule.
//!
//! Two passes. The first finds mentions the text marks as names: registry
//! names and aliases (aho-corasick over folded text), names after a title
//! (`Ambassador U. Alexis Johnson`), name shapes with initials or hyphenated
//! romanisations, `Name [Variant]` pairs, a capitalised word before a
//! speaking verb (`Wang countered`) or after `by` (`Drafted by McConaughy`),
//! a signature, `the Minister` after a titled name, and "I"/"me" for the
//! author. The second links what the first learned: every other occurrence
//! of a known name or a part of it (`Johnson` after `U. Alexis Johnson`)
//! anywhere in the document, resolved to the longest known name containing
//! it. Pure: paragraphs in, mentions out.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use compact_str::CompactString;

use super::fold::{Folded, fold_into, fold_name};
use crate::annotation::registry::ActorResolver;

/// Which rule found a mention (shown so every suggestion explains itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// A registry name or alias.
    Registry,
    /// Names after a title: `Comrade Pak`, `Prime Minister U Nu`.
    Titled,
    /// A name shape: initials (`U. Alexis Johnson`) or a hyphenated
    /// romanisation (`Chou En-lai`).
    Shape,
    /// `Name [Variant]`: the bracketed romanisation of the name before it.
    Bracket,
    /// A capitalised word before a speaking verb: `Wang countered`.
    Speaker,
    /// A capitalised word after `by`, and the list it starts:
    /// `Drafted by McConaughy, Phleger, and Sebald`.
    By,
    /// A paragraph that is only a name: a signature.
    Signature,
    /// `the Minister`, after a mention with that title.
    TitleOnly,
    /// A name (or part of one) found by another rule in the document.
    Known,
    /// "I" or "me": the document's author.
    Pronoun,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Registry => "registry",
            Rule::Titled => "title",
            Rule::Shape => "name-shape",
            Rule::Bracket => "bracket-pair",
            Rule::Speaker => "speaker",
            Rule::By => "by",
            Rule::Signature => "signature",
            Rule::TitleOnly => "title-only",
            Rule::Known => "known-name",
            Rule::Pronoun => "pronoun",
        }
    }
}

/// One mention: where (0-based paragraph, code points within its text, end
/// exclusive), what it says and whom it names. Surface and actor are
/// compact strings: a name fits in one inline (24 bytes), so a corpus's
/// hundreds of thousands of mentions cost no allocation each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
    pub surface: CompactString,
    pub actor: CompactString,
    pub rule: Rule,
}

/// What detection found in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    pub mentions: Vec<Mention>,
    /// `(name, variant)` pairs from `Name [Variant]`, proposed as aliases.
    pub aliases: Vec<(String, String)>,
}

/// A document's text as detection reads it: its paragraphs, and the
/// actor "I" and "me" stand for.
pub type Text<'a> = (Vec<&'a str>, Option<&'a str>);

/// A document's mentions before the other documents' names are known
/// ([`Detector::first_pass`]), with what [`Detector::finish`] asks of it.
pub struct FirstPass {
    detected: Detected,
    /// The words asked about that no name of the document answered.
    unanswered: Vec<CompactString>,
}

impl FirstPass {
    /// Could the names other documents find change this document's
    /// mentions? Only then does [`Detector::finish`] need its text again.
    pub fn may_change(&self) -> bool {
        !self.unanswered.is_empty()
    }
}

/// Words that title a name: the name follows them (`Comrade Pak`).
const TITLES: &[&str] = &[
    "Comrade",
    "Minister",
    "Ambassador",
    "President",
    "General",
    "Secretary",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Premier",
    "Chairman",
    "Prime",
    "Vice",
    "Deputy",
    "Colonel",
    "Col.",
    "Lieutenant",
    "Lt.",
    "Gen.",
    "Admiral",
    "Adm.",
    "Senator",
    "Sen.",
    "Governor",
    "Gov.",
    "Marshal",
    "Consul",
    "Counselor",
    "Major",
    "Maj.",
    "Captain",
    "Capt.",
    "Sergeant",
    "Sgt.",
    "Professor",
    "Prof.",
    "Judge",
    "Justice",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Emperor",
    "Madame",
    "Mme.",
    "Miss",
    "Sir",
    "Lord",
    "Lady",
    "Bishop",
    "Cardinal",
    "Representative",
    "Rep.",
    "Chancellor",
    "Commander",
    "Director",
    // `Attorney General Kennedy`; `the A.G. [Attorney General]` an office.
    "Attorney",
    // `Deputy Assistant Secretary Sebald`, `Assistant to the President`.
    "Assistant",
    "Congressman",
    "Congresswoman",
    // Telephone memoranda abbreviate the Secretary: `The Sec said`.
    "Sec",
    "Sec.",
    "Secy",
    "Secy.",
    "Chief",
    "Speaker",
    // Telegrams' abbreviations: `PriMin Kishi`, `FonMin Cho`.
    "Asst",
    "Asst.",
    "PriMin",
    "FonMin",
    "ForMin",
    "DefMin",
    "Amb",
    "Amb.",
    // Forms of address: `The Honorable John M. Allison`, `His Excellency`.
    "Honorable",
    "Hon.",
    "Excellency",
    // Plurals: `Ministers Cho and Kim`; never a name alone.
    "Ministers",
    "Ambassadors",
    "Presidents",
    "Secretaries",
    "Generals",
    "Chairmen",
    "Premiers",
    "Senators",
    "Governors",
    "Admirals",
    "Colonels",
    "Commanders",
    "Directors",
    "Consuls",
    "Counselors",
    "Representatives",
    "Chiefs",
    // `Messrs. Robertson, Sebald and McClurkin`: `Mr.` of several.
    "Messrs.",
    "Messrs",
    // `Chargé d'Affaires Marshall Green` (`d'Affaires` joins the title).
    "Chargé",
    "Charge",
];

/// Does `t` begin a sentence (the paragraph's start, or after `.`, `?`,
/// `!`, `:` or `;`, quotes and brackets aside)?
fn starts_sentence(para: &Para, t: &Token) -> bool {
    para.slice(0, t.start)
        .trim_end_matches(|c: char| c.is_whitespace() || "\"'“‘([".contains(c))
        .chars()
        .next_back()
        .is_none_or(|c| ".?!:;".contains(c))
}

/// Titles of several people: the names listed after them are each titled
/// (`Generals Wheeler, Fitch and Taylor`).
const PLURAL_TITLES: &[&str] = &[
    "Ministers",
    "Ambassadors",
    "Presidents",
    "Secretaries",
    "Generals",
    "Chairmen",
    "Premiers",
    "Senators",
    "Governors",
    "Admirals",
    "Colonels",
    "Commanders",
    "Directors",
    "Consuls",
    "Counselors",
    "Representatives",
    "Chiefs",
    "Messrs.",
    "Messrs",
];

/// Words a Roman numeral follows (`World War I`, `Part I`, `Tab I`): the
/// `I` after them is no pronoun.
fn numbering(t: &Token) -> bool {
    const NUMBERED: &[&str] = &[
        "War",
        "Part",
        "Section",
        "Chapter",
        "Volume",
        "Vol.",
        "Article",
        "Annex",
        "Appendix",
        "Phase",
        "Stage",
        "Book",
        "Act",
        "Title",
        "Tab",
        "Enclosure",
        "Attachment",
        "Exhibit",
        "Schedule",
        "Table",
        "Figure",
        "Item",
        "Paragraph",
        "Class",
        "Type",
        "Group",
        "Round",
        "Corps",
        "Category",
        "Level",
        "Option",
        "Case",
        "Alternative",
        "Plan",
        "Document",
        "Division",
        "Annex",
        "Point",
        "Step",
    ];
    NUMBERED.contains(&t.text)
}

/// The word after `Chargé` in `Chargé d'Affaires`: part of the title.
fn affaires(t: &Token) -> bool {
    matches!(
        t.text,
        "d'Affaires" | "d\u{2019}Affaires" | "d'affaires" | "d\u{2019}affaires"
    )
}

/// Capitalised words that are not names (sentence starts, places, bodies,
/// months, document furniture). Names made of them are not proposed.
const NOT_NAMES: &[&str] = &[
    "A",
    "About",
    "After",
    "Again",
    "All",
    "Also",
    "An",
    "And",
    "Any",
    "As",
    "At",
    "Be",
    "Before",
    "Believe",
    "Best",
    "Both",
    "But",
    "By",
    "Can",
    "Could",
    "Did",
    "Do",
    "Does",
    "During",
    "Each",
    "Every",
    "For",
    "From",
    "Had",
    "Has",
    "Have",
    "He",
    "Her",
    "Here",
    "His",
    "How",
    "However",
    "If",
    "In",
    "Is",
    "It",
    "Its",
    "Much",
    "My",
    "No",
    "Not",
    "Of",
    "On",
    "Or",
    "Other",
    "Our",
    "She",
    "Should",
    "Since",
    "So",
    "Some",
    "Such",
    "That",
    "The",
    "Their",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "Thus",
    "To",
    "Under",
    "Upon",
    "Was",
    "We",
    "Were",
    "What",
    "When",
    "Where",
    "Whether",
    "Which",
    "While",
    "Who",
    "Whom",
    "Why",
    "Will",
    "With",
    "Would",
    "Yes",
    "You",
    "Your",
    "Dear",
    "Sincerely",
    "Regarding",
    "Subject",
    "Subjects",
    "Source",
    "Drafted",
    "Delete",
    "Pass",
    "Text",
    "End",
    "Begin",
    "Telegram",
    "Document",
    "Documents",
    "Memorandum",
    "Conversation",
    "Letter",
    "Message",
    "Note",
    "Notes",
    "Participants",
    "Department",
    "State",
    "States",
    "United",
    "Central",
    "Files",
    "File",
    "Secret",
    "Confidential",
    // `Special Assistant`, `Special Envoy`: part of an office, not a name.
    "Special",
    // Classification and handling markings head memoranda on a line of
    // their own, where a lone capitalised word would be a signature.
    "Restricted",
    "Unclassified",
    "Classified",
    "Niact",
    "Immediate",
    "Urgent",
    "Routine",
    "Priority",
    "Top",
    "Office",
    "Embassy",
    "Government",
    "Republic",
    "People",
    "Party",
    "Committee",
    "Council",
    "Ministry",
    "Union",
    "Nations",
    "Soviet",
    "Chinese",
    "American",
    "Americans",
    "Korean",
    "Koreans",
    "Communist",
    "Communists",
    "Japanese",
    "British",
    "French",
    "Russian",
    "Russians",
    "German",
    "Germans",
    "Indian",
    "Burmese",
    "World",
    "War",
    "Fleet",
    "East",
    "West",
    "North",
    "South",
    "Far",
    "Middle",
    "Conference",
    "Talks",
    "Army",
    "Navy",
    "Air",
    "Force",
    "Forces",
    "Opera",
    "Publishers",
    "Press",
    "Correspondence",
    "Presidential",
    "Lot",
    "Ibid",
    "Supra",
    "Geneva",
    "Washington",
    "Moscow",
    "Peking",
    "Beijing",
    "Pyongyang",
    "Seoul",
    "Tokyo",
    "London",
    "Paris",
    "China",
    "Korea",
    "Japan",
    "Formosa",
    "Taiwan",
    "Burma",
    "India",
    "Europe",
    "Asia",
    "New",
    "York",
    "Civil",
    "Foreign",
    "Affairs",
    "Relations",
    "Deptel",
    "Embtel",
    "Mission",
    "Division",
    "Bureau",
    "Agency",
    "Staff",
    "Defense",
    "Defence",
    "Treasury",
    "Commerce",
    "Trade",
    "Finance",
    "Industry",
    "Agriculture",
    "Railways",
    "Transport",
    "Interior",
    "Education",
    "Labour",
    "Labor",
    "Culture",
    "Congress",
    "Senate",
    "House",
    "Assembly",
    "Security",
    "Kuomintang",
    "Central Committee",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Volume",
    "Part",
    "Series",
    "Archive",
    "Archives",
    "Library",
    "Collection",
    "Record",
    "Records",
    "Translated",
    "Translation",
    "Original",
    "Copy",
    "Page",
    "Chapter",
    "Section",
    "Annex",
    "Enclosure",
    "Attachment",
    "Appendix",
    "Table",
    "Figure",
    // Parts of a record: `U.S. Minutes of the Second Session`, `[Extract]`.
    "Minutes",
    "Extract",
    "Extracts",
    "Excerpt",
    "Excerpts",
    "Summary",
    "Recommendation",
    "Recommendations",
    "Intimation",
    "Talked",
    "Noted",
    "Rejected",
    "Gave",
    "Particularly",
    "Nothing",
    "Word",
    "Follow",
    "First",
    "Second",
    "Third",
    "Last",
    "Next",
    "Only",
    "Then",
    "Now",
    "Today",
    "Yesterday",
    "Tomorrow",
    // Instruments, bodies and parties: capitalised in `the Security
    // Treaty`, `Article 26`, `the Democratic Party`, `General Counsel`,
    // never a person.
    "Treaty",
    "Treaties",
    "Article",
    "Articles",
    "Charter",
    "Agreement",
    "Declaration",
    "Protocol",
    "Negotiations",
    "Order",
    "Counsel",
    "Advocate",
    "Cabinet",
    "Diet",
    "Parliament",
    "Legislature",
    "Congressmen",
    "Congressional",
    "Democratic",
    "Democrats",
    "Republican",
    "Republicans",
    "Liberal",
    "International",
    "National",
    "Armed",
    "Services",
    "Command",
    "Headquarters",
    "Telephone",
    "Conversations",
    "Papers",
    "Peace",
    "Islands",
    "Association",
    "Society",
    "League",
    "Federation",
    "Organization",
    "Organisation",
    "Corporation",
    "Company",
    "Bank",
    "Institute",
    "University",
    "Promotion",
    "Administration",
    // `the Joint Chiefs of Staff`, `Left-wing Socialists`, `Right wing`.
    "Joint",
    "Left",
    "Right",
    "Anti",
    "Pro",
    "Non",
    "Sino",
    // Telegrams' abbreviations of offices and references.
    "FonOff",
    "Dept",
    "Embdesp",
    "Depcirtel",
    "Reftel",
    "Urtel",
    "Mytel",
    "Secto",
    "Tosec",
    "Dulte",
    "Tedul",
    "Polad",
    "Contel",
    // ... of countries and their union, written as glued initials
    // (`U.S. Assistance`, `the U.N. Command`): no person's initials.
    "U.S.",
    "U.N.",
    "U.K.",
    "U.S.S.R.",
    // ... and of peoples: `Jap Govt`, `Sov overflights`, `Chicom forces`.
    "Jap",
    "Japs",
    "Sov",
    "Sovs",
    "Brit",
    "Brits",
    "Chicom",
    "Chicoms",
    "Chinat",
    "Chinats",
    "Commie",
    "Commies",
    // Words that start sentences (`Like Chiang Kai-shek, …`, `Despite
    // U.S. aid`), never names.
    "Like",
    "Unlike",
    "Despite",
    "Concerning",
    "Although",
    "Because",
    "Following",
    "According",
    "Among",
    "Between",
    "Without",
    "Against",
    "Until",
    "Unless",
    "Meanwhile",
    "Moreover",
    "Furthermore",
    "Nevertheless",
    "Instead",
    "Therefore",
    "Accordingly",
    "Finally",
    "Further",
    "Later",
    "Earlier",
    "Previously",
    "Subsequently",
    "Recently",
    "Yet",
    "Still",
    "Even",
    "Perhaps",
    "Apparently",
    "Presumably",
    "Reportedly",
    "Indeed",
    "Otherwise",
    "Once",
    "Neither",
    "Either",
    "Several",
    "Many",
    "Most",
    "Another",
    "Certain",
    // Footnotes' references: `See Document 34`, `See also …`.
    "See",
    "Cf",
    // Peoples, regions and movements, as adjectives: `European
    // integration`, `the Socialist members`.
    "European",
    "Europeans",
    "Asian",
    "Asians",
    "African",
    "Atlantic",
    "Pacific",
    "Western",
    "Eastern",
    "Northern",
    "Southern",
    "Oriental",
    "Latin",
    "Italian",
    "Spanish",
    "Dutch",
    "Portuguese",
    "Belgian",
    "Swiss",
    "Austrian",
    "Greek",
    "Turkish",
    "Arab",
    "Arabs",
    "Israeli",
    "Egyptian",
    "Iranian",
    "Pakistani",
    "Australian",
    "Canadian",
    "Mexican",
    "Philippine",
    "Filipino",
    "Indonesian",
    "Vietnamese",
    "Thai",
    "Mongolian",
    "Manchurian",
    "Tibetan",
    "Formosan",
    "Taiwanese",
    "Okinawan",
    "Okinawans",
    "Ryukyuan",
    "Ryukyuans",
    "Polish",
    "Czech",
    "Hungarian",
    "Yugoslav",
    "Socialist",
    "Socialists",
    "Nationalist",
    "Nationalists",
];

/// Verbs that follow a speaker's name: `Wang countered`.
const SPEAKING_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "stated",
    "declared",
    "replied",
    "answered",
    "added",
    "asked",
    "noted",
    "remarked",
    "explained",
    "emphasized",
    "emphasised",
    "stressed",
    "insisted",
    "agreed",
    "objected",
    "proposed",
    "suggested",
    "advised",
    "urged",
    "recommended",
    "countered",
    "reported",
    "commented",
    "expanded",
    "instructed",
    "informed",
    "indicated",
    "expressed",
    "promised",
    "refused",
    "denied",
    "announced",
    "warned",
    "argued",
    "believed",
    "thought",
    "felt",
    "wrote",
    "cabled",
    "spoke",
    "raised",
    "mentioned",
    "responded",
    "observed",
    "claimed",
    "assured",
    "confirmed",
    "requested",
    "opposed",
    "supported",
];

/// [`SPEAKING_VERBS`] as a set.
static SPEAKING_SET: LazyLock<WordSet<&'static str>> =
    LazyLock::new(|| SPEAKING_VERBS.iter().copied().collect());

/// A set of words asked about for every word of every paragraph: hashed
/// with FNV-1a, not SipHash (short keys, none chosen by an attacker to
/// collide: a document can only make its own detection slower).
type WordSet<T> = HashSet<T, fnv::FnvBuildHasher>;

/// What the word lists say of a word: a title, not a name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Listed {
    title: bool,
    not_name: bool,
}

/// [`TITLES`] and [`NOT_NAMES`] in one set, asked once for each
/// capitalised word of every paragraph. Most such words (names) are in
/// neither list, and a filter answers them without hashing: a bit for
/// each length (31 for any longer) of the listed words beginning with the
/// same two bytes (their low five bits: a collision costs only a lookup).
struct Lexicon {
    words: HashMap<&'static str, Listed, fnv::FnvBuildHasher>,
    lengths: Box<[u32; 1024]>,
}

impl Lexicon {
    fn new() -> Lexicon {
        let mut lexicon = Lexicon {
            words: HashMap::default(),
            lengths: Box::new([0; 1024]),
        };
        let listed = TITLES
            .iter()
            .map(|w| (w, true))
            .chain(NOT_NAMES.iter().map(|w| (w, false)));
        for (&word, title) in listed {
            let entry = lexicon.words.entry(word).or_default();
            entry.title |= title;
            entry.not_name |= !title;
            if let Some((slot, bit)) = Self::filter_bit(word) {
                lexicon.lengths[slot] |= bit;
            }
        }
        lexicon
    }

    /// The filter's slot and bit for `word` (none for the empty word).
    #[inline]
    fn filter_bit(word: &str) -> Option<(usize, u32)> {
        let bytes = word.as_bytes();
        let first = usize::from(*bytes.first()? & 31);
        let second = usize::from(bytes.get(1).map_or(0, |b| b & 31));
        Some((first * 32 + second, 1 << word.len().min(31)))
    }

    /// The title `word` spells, as listed (`Gen.`).
    fn title_spelled(&self, word: &str) -> Option<&'static str> {
        self.words
            .get_key_value(word)
            .filter(|(_, listed)| listed.title)
            .map(|(title, _)| *title)
    }

    #[inline]
    fn get(&self, word: &str) -> Listed {
        match Self::filter_bit(word) {
            Some((slot, bit)) if self.lengths[slot] & bit != 0 => {
                self.words.get(word).copied().unwrap_or_default()
            }
            _ => Listed::default(),
        }
    }
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::new);

pub(crate) fn is_title(word: &str) -> bool {
    LEXICON.get(word).title
}

/// Words that make a title of the title after them in a hyphenated
/// compound (`Under-Secretary`, `Co-Chairman`), none a title alone.
const TITLE_PREFIXES: &[&str] = &["Under", "Acting", "Sub", "Co", "Chief", "Joint"];

/// `Vice-Minister`, `Under-Secretary`: titles joined by hyphens, the first
/// ones possibly [`TITLE_PREFIXES`], the last a title.
fn is_compound_title(word: &str) -> bool {
    let mut parts = word.split('-').rev();
    parts.next().is_some_and(is_title) && parts.all(|p| is_title(p) || TITLE_PREFIXES.contains(&p))
}

/// The title `word` is with a dot after it (`Gen` → `Gen.`), without a
/// copy for the many words no dotted title could be.
fn title_with_dot(word: &str) -> Option<&'static str> {
    let mut buf = [0u8; 16];
    if word.len() >= buf.len() || !word.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    buf[..word.len()].copy_from_slice(word.as_bytes());
    buf[word.len()] = b'.';
    let dotted = std::str::from_utf8(&buf[..=word.len()]).ok()?;
    LEXICON.title_spelled(dotted)
}

fn is_not_name(word: &str) -> bool {
    LEXICON.get(word).not_name
}

/// Particles inside names: `Charles de Gaulle`, `Ludwig van Beethoven`.
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "du", "da", "di", "bin", "al",
];

/// Finds mentions; built once from the registry, used for many documents.
#[derive(Debug, Clone)]
pub struct Detector {
    resolver: ActorResolver,
    /// Folded spellings of registry names and aliases, with the main name.
    patterns: Vec<(String, String)>,
    /// Per pattern: is every spelling of it one word with a capital
    /// (`Young`, `Park`)? Written all in lower case, such a word is the
    /// common word (`the young officers`), not the name.
    capitalised_word: Vec<bool>,
    matcher: Option<AhoCorasick>,
}

impl Detector {
    /// A detector knowing every name and alias `resolver` knows.
    pub fn new(resolver: &ActorResolver) -> Detector {
        let mut spelled: Vec<(String, String, bool)> = resolver
            .spellings()
            .map(|(main, spelling)| {
                let folded = fold_name(spelling);
                let capitalised = !folded.contains(' ') && spelling.chars().any(char::is_uppercase);
                (folded, main.to_string(), capitalised)
            })
            .filter(|(folded, _, _)| !folded.is_empty())
            .collect();
        spelled.sort();
        spelled.dedup_by(|a, b| {
            let same = a.0 == b.0;
            if same {
                b.2 &= a.2;
            }
            same
        });
        let capitalised_word = spelled.iter().map(|s| s.2).collect();
        let patterns: Vec<(String, String)> = spelled.into_iter().map(|(f, m, _)| (f, m)).collect();
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns.iter().map(|(p, _)| p.as_str()))
                .ok()
        };
        Detector {
            resolver: resolver.clone(),
            patterns,
            capitalised_word,
            matcher,
        }
    }

    /// Registry names and aliases in `text`, as code point spans with the
    /// main name, whole words only.
    pub fn registry_matches(&self, text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        self.registry_matches_in(text, &mut Folded::default(), &mut out);
        out.into_iter()
            .map(|(s, e, actor)| (s, e, actor.to_string()))
            .collect()
    }

    /// [`Detector::registry_matches`] into `out` (cleared first), folding
    /// into `folded`'s buffers; the main names borrowed from the detector.
    fn registry_matches_in<'s>(
        &'s self,
        text: &str,
        folded: &mut Folded,
        out: &mut Vec<(usize, usize, &'s str)>,
    ) {
        out.clear();
        let Some(matcher) = &self.matcher else {
            return;
        };
        fold_into(text, folded);
        let bytes = folded.text.as_bytes();
        for m in matcher.find_iter(&folded.text) {
            let (head, tail) = (&folded.text[..m.end()], &folded.text[m.start()..]);
            let before = folded.text[..m.start()].chars().next_back();
            let after = folded.text[m.end()..].chars().next();
            // Whole words only, but Chinese and Japanese put no space
            // between words: a name whose end is in those scripts is
            // taken wherever it stands at that end (`周恩来总理说`).
            let open_before = || tail.chars().next().is_some_and(is_unspaced_letter);
            let open_after = || head.chars().next_back().is_some_and(is_unspaced_letter);
            if before.is_some_and(char::is_alphanumeric) && !open_before() {
                continue;
            }
            let start = folded.origin_of(m.start());
            let end = folded.origin_of(m.end() - 1) + 1;
            // A Korean name may have particles written onto it (`박창옥은`).
            if after.is_some_and(char::is_alphanumeric)
                && !open_after()
                && !particles_after(text, end)
            {
                continue;
            }
            debug_assert!(m.end() <= bytes.len());
            let pattern = m.pattern().as_usize();
            if self.capitalised_word[pattern] && !has_capital(text, start, end) {
                continue;
            }
            out.push((start, end, self.patterns[pattern].1.as_str()));
        }
    }

    /// Mentions in several documents (paragraphs and author each): names
    /// found by a rule in one document are known in all of them (`Chou`
    /// after `Chou En-lai` elsewhere), then actors are linked across them.
    ///
    /// Documents are detected in parallel. A document is detected a second
    /// time, with the names found elsewhere, only when one of those names
    /// would link a word its own names did not: otherwise the second pass
    /// would find exactly what the first did.
    pub fn detect_all(&self, documents: &[(Vec<&str>, Option<&str>)]) -> Vec<Detected> {
        // Each thread's buffers serve all its documents.
        let first = crate::archive::parallel::map_with(
            documents,
            Scratch::default,
            |scratch, (paragraphs, author)| self.first_pass(paragraphs, *author, scratch),
        );
        self.finish(first, |i| {
            documents
                .get(i)
                .map(|(paragraphs, author)| (paragraphs.clone(), *author))
        })
    }

    /// One document's part of [`Detector::detect_all`] before the others
    /// are known: its mentions, and what [`Detector::finish`] needs to
    /// decide whether the names found elsewhere change them. A corpus too
    /// large to hold in memory is detected document by document this way,
    /// each document's text dropped once it is detected (unless
    /// [`FirstPass::may_change`]).
    pub fn first_pass<'a>(
        &'a self,
        paragraphs: &[&'a str],
        author: Option<&'a str>,
        scratch: &mut Scratch<'a>,
    ) -> FirstPass {
        let mut unanswered = Vec::new();
        let detected = self.detect_with(
            paragraphs,
            author,
            &KnownNames::default(),
            Some(&mut unanswered),
            scratch,
        );
        FirstPass {
            detected,
            unanswered,
        }
    }

    /// Every document's mentions from their first passes (in the same
    /// order): the names each found are known in all of them, and a
    /// document that one of those names changes is detected again, with
    /// the paragraphs and author `again` gives for its index (`None`: its
    /// first pass stands); then actors are linked across documents.
    pub fn finish<'a>(
        &self,
        first: Vec<FirstPass>,
        again: impl Fn(usize) -> Option<Text<'a>> + Sync,
    ) -> Vec<Detected> {
        // The names found are listed (on one thread) only when some
        // document asked about words its own names did not answer; and a
        // name many documents found, once.
        let mut known = KnownNames::default();
        if first.iter().any(FirstPass::may_change) {
            // Each document's names, on every core.
            let names = crate::archive::parallel::map(&first, |pass| pass.detected.names());
            let mut listed: WordSet<&[CompactString]> = WordSet::default();
            for (pass, names) in first.iter().zip(&names) {
                for words in names {
                    if listed.insert(words) {
                        known.insert(words);
                    }
                }
                for name in pass.detected.unspaced_names() {
                    known.insert_unspaced(name);
                }
            }
        }
        let changed: Vec<usize> = first
            .iter()
            .enumerate()
            .filter(|(_, pass)| pass.unanswered.iter().any(|q| known.contains(q)))
            .map(|(i, _)| i)
            .collect();
        let texts: Vec<(usize, Text<'a>)> = changed
            .into_iter()
            .filter_map(|i| again(i).map(|text| (i, text)))
            .collect();
        let redone =
            crate::archive::parallel::map_with(&texts, Scratch::default, |scratch, (_, text)| {
                self.detect_with(&text.0, text.1, &known, None, scratch)
            });
        let mut detected: Vec<Detected> = first.into_iter().map(|pass| pass.detected).collect();
        for ((i, _), d) in texts.iter().zip(redone) {
            detected[*i] = d;
        }
        link_across(&mut detected, &self.resolver);
        detected
    }

    /// Mentions in one document's paragraphs; `author` stands for "I"/"me".
    pub fn detect(&self, paragraphs: &[&str], author: Option<&str>) -> Detected {
        self.detect_with(
            paragraphs,
            author,
            &KnownNames::default(),
            None,
            &mut Scratch::default(),
        )
    }

    /// [`Detector::detect`], with names already known (folded words) from
    /// other documents in `extra`. The words asked about that no name of the
    /// document answered go to `unanswered` (joined as [`KnownNames`] keys):
    /// only these can make `extra` change the result.
    fn detect_with<'a>(
        &'a self,
        paragraphs: &[&'a str],
        author: Option<&'a str>,
        extra: &KnownNames,
        mut unanswered: Option<&mut Vec<CompactString>>,
        scratch: &mut Scratch<'a>,
    ) -> Detected {
        let mut detected = Detected::default();
        let mut found: Vec<Found> = Vec::new();
        let mut last_titled: HashMap<String, String> = HashMap::new();
        let Scratch {
            tokens: all_tokens,
            paras,
            runs: all_runs,
            runs_of,
            run_at,
            found_of,
            folded,
            matches,
            local,
            listed,
            words,
            key,
            linked,
            kept,
        } = scratch;
        // The words of every paragraph in one list, each paragraph its range.
        all_tokens.clear();
        paras.clear();
        paras.extend(paragraphs.iter().map(|p| {
            let mut para = Para::new(p);
            let from = all_tokens.len();
            tokens_into(&mut para, *kept, all_tokens);
            (para, from..all_tokens.len())
        }));
        let (paras, all_tokens) = (&*paras, &*all_tokens);
        let tokenised = || paras.iter().map(|(para, r)| (para, &all_tokens[r.clone()]));
        // The name runs of every paragraph, found once for both loops (each
        // paragraph's its range of this list).
        all_runs.clear();
        runs_of.clear();
        // Each paragraph's mentions found by the rules: their range of `found`.
        found_of.clear();
        // Inside a memo's list of subjects (`SUBJECTS` / `Japan` /
        // `Cyprus`): a paragraph that is only a name is no signature.
        let mut subjects = false;
        let mut document = InDocument {
            author,
            signatures: true,
            lower_case: LowerCase::new(paragraphs),
        };
        for (index, (para, toks)) in tokenised().enumerate() {
            let heading = is_subjects_heading(para.text);
            subjects = heading || (subjects && is_list_item(para.text));
            let found_from = found.len();
            let from = all_runs.len();
            name_runs_into(para, toks, all_runs);
            runs_of.push(from..all_runs.len());
            let runs = &all_runs[from..];
            run_at.fill(runs, toks.len());
            self.registry_matches_in(paragraphs[index], folded, matches);
            for &(start, end, actor) in matches.iter() {
                found.push(Found::new(
                    index,
                    start,
                    end,
                    para,
                    Some(Cow::Borrowed(actor)),
                    Rule::Registry,
                ));
            }
            document.signatures = !subjects;
            strong_rules(
                index,
                para,
                (toks, run_at),
                &mut document,
                &mut last_titled,
                &mut found,
                &mut detected,
            );
            found_of.push(found_from..found.len());
        }
        // Names known in this document: every rule's surface but the
        // pronoun's, the bare title's and a speaker's word alone.
        local.clear();
        let unspread = unspread_surfaces(found.iter().map(|f| (f.rule, f.surface)));
        // A name found many times is listed once.
        listed.clear();
        for f in &found {
            if f.rule != Rule::Pronoun
                && f.rule != Rule::TitleOnly
                && !unspread.contains(&f.surface)
                && listed.insert(f.surface)
            {
                name_words_into(f.surface, words);
                local.insert(words);
            }
        }
        let local = &*local;
        // The names in Chinese characters or kana the rules found: met
        // inside a run of those letters too (no spaces part their words).
        let mut unspaced: Vec<&str> = found
            .iter()
            .map(|f| f.surface)
            .filter(|s| is_unspaced_name(s))
            .collect();
        unspaced.sort_unstable();
        unspaced.dedup();
        // The words in those letters, asked (as runs holding a name) of
        // the names other documents found.
        let asking = unanswered.is_some();
        let mut unspaced_asked: Vec<&str> = Vec::new();
        // Is a name (these words in a row) part of a known name?
        let mut known = |query: &str| {
            if query.is_empty() {
                return false;
            }
            let found = local.contains(query) || extra.contains(query);
            if !found && let Some(unanswered) = unanswered.as_deref_mut() {
                unanswered.push(query.into());
            }
            found
        };
        for (index, (para, toks)) in tokenised().enumerate() {
            for &run in &all_runs[runs_of[index].clone()] {
                let (s, e) = (toks[run.0].start, toks[run.1 - 1].end);
                // A run a rule found whole is a known name, its surface
                // listed above: what it would add here has that rule's
                // span and would be left out for it (as would its words,
                // asked about only for a run not known).
                if found_whole_by_a_rule(&found[found_of[index].clone()], s, e) {
                    continue;
                }
                tokens_key_into(&toks[run.0..run.1], key);
                if known(key) {
                    if !institution_after(para, e) {
                        found.push(Found::new(index, s, e, para, None, Rule::Known));
                    }
                    continue;
                }
                // Which of its words are known, each alone.
                let words = &toks[run.0..run.1];
                let known_words: smallvec::SmallVec<[bool; 8]> = words
                    .iter()
                    .map(|t| {
                        !t.initial && {
                            tokens_key_into(std::slice::from_ref(t), key);
                            known(key)
                        }
                    })
                    .collect();
                // `Kim Il Sung` beside `Kim Tu-bong` and `Nam Il`: words of
                // other names in a run no name is, ending on a word of its
                // own, are a new name whole, not pieces of theirs. (Ending on
                // a known word, `Bob McNamara`, `Ros Gilpatric`, it is more
                // often a known surname with a given name shortened; and a
                // word of its own first may be a sentence's: `Later Pak`.)
                let own_word = |i: usize| !words[i].initial && !known_words[i];
                let last = words.iter().rposition(|t| !t.initial);
                let ends_on_own = last.is_some_and(|i| own_word(i) && !eponymous(words[i].text));
                // `Nam Il` beside `Kim Il Sung`, `Kim Il Sung` beside `Kim
                // Sung Hwa` and `Nam Il`: a known word that ends no name
                // (`Il`, `Sung`), after another word, ends a new one.
                let mut ends_a_name = |i: usize| {
                    tokens_key_into(std::slice::from_ref(&words[i]), key);
                    key.insert(0, NAME_END);
                    known(key)
                };
                let new_name = known_words.iter().any(|k| *k)
                    && (ends_on_own
                        || last.is_some_and(|i| {
                            known_words[i] && (0..i).any(|j| !words[j].initial) && !ends_a_name(i)
                        }))
                    && !(own_word(0) && starts_sentence(para, &words[0]));
                if new_name {
                    if !institution_after(para, e) {
                        found.push(Found::new(index, s, e, para, None, Rule::Known));
                    }
                    continue;
                }
                for (t, &known_word) in words.iter().zip(&known_words) {
                    if t.initial {
                        continue;
                    }
                    if known_word {
                        if !institution_after(para, t.end) {
                            found.push(Found::new(index, t.start, t.end, para, None, Rule::Known));
                        }
                        continue;
                    }
                    // `the Green-Magruder statements`, `the Johnson-Pak
                    // talk`: names joined by a hyphen, each known.
                    for (from, to) in capitalised_parts(t.text) {
                        key.clear();
                        push_folded_word(&t.text[from..to], key);
                        let s = t.start + t.text[..from].chars().count();
                        let e = s + t.text[from..to].chars().count();
                        if known(key) && !institution_after(para, e) {
                            found.push(Found::new(index, s, e, para, None, Rule::Known));
                        }
                    }
                }
            }
            // A name in a script without case, once met beside its
            // romanisation, is known wherever the same word stands alone
            // (`박창옥`) or with a Korean particle written onto it
            // (`박창옥은`: the name is the mention, the particle not).
            if para.offsets.is_empty() {
                continue;
            }
            for t in toks.iter().filter(|t| is_caseless_word(t.text)) {
                if found_whole_by_a_rule(&found[found_of[index].clone()], t.start, t.end) {
                    continue;
                }
                tokens_key_into(std::slice::from_ref(t), key);
                if known(key) {
                    found.push(Found::new(index, t.start, t.end, para, None, Rule::Known));
                    continue;
                }
                let in_unspaced_letters = t.text.starts_with(is_unspaced_letter);
                if asking && in_unspaced_letters {
                    unspaced_asked.push(t.text);
                }
                if in_unspaced_letters {
                    // This document's names, and those found elsewhere.
                    let own = unspaced.iter().flat_map(|&name| {
                        t.text
                            .match_indices(name)
                            .map(|(at, _)| (at, at + name.len()))
                    });
                    for (from, to) in own.chain(extra.unspaced_in(t.text)) {
                        let start = t.start + t.text[..from].chars().count();
                        let end = start + t.text[from..to].chars().count();
                        if !found_whole_by_a_rule(&found[found_of[index].clone()], start, end) {
                            found.push(Found::new(index, start, end, para, None, Rule::Known));
                        }
                    }
                }
                // The longest name first: `이` ends a name as well as
                // being a particle.
                for stem in korean_stems(t.text) {
                    let end = t.start + stem.chars().count();
                    key.clear();
                    push_folded_word(stem, key);
                    if found_whole_by_a_rule(&found[found_of[index].clone()], t.start, end) {
                        break;
                    }
                    if known(key) {
                        found.push(Found::new(index, t.start, end, para, None, Rule::Known));
                        break;
                    }
                }
            }
        }
        if let Some(unanswered) = unanswered {
            unanswered.extend(
                unspaced_asked
                    .iter()
                    .map(|t| CompactString::from(format!("{UNSPACED_RUN}{t}"))),
            );
        }
        let kept = without_overlaps(found);
        // Link each mention to the longest known name containing it.
        // Each surface (and registry actor) once: a name is mentioned often.
        let mut seen: WordSet<(&str, Option<&str>)> = WordSet::default();
        let mut full: Vec<(Words, Cow<str>)> = kept
            .iter()
            .filter(|f| f.rule != Rule::Pronoun)
            .filter(|f| {
                let actor = f.actor.as_deref().filter(|_| f.rule == Rule::Registry);
                seen.insert((f.surface, actor))
            })
            // A registry name counts as the actor it names (`Pak` after
            // `Pak Chang Ok`, an alias of `Pak Chang-ok`, is that actor).
            .map(|f| {
                let name = match (&f.actor, f.rule) {
                    (Some(actor), Rule::Registry) => actor.clone(),
                    _ => normalise_space(f.surface),
                };
                (name_words(f.surface), name)
            })
            .collect();
        full.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        full.dedup_by(|a, b| a.1 == b.1);
        // The actor a name links to: the longest known name holding it.
        let link = |name: &str| -> CompactString {
            let words = name_words(name);
            match full.iter().find(|(w, _)| contains_run(w, &words)) {
                Some((_, longest)) => self.resolver.resolve(longest).into(),
                None => self.resolver.resolve(&normalise_space(name)).into(),
            }
        };
        // The actor a surface links to, found once per surface.
        linked.clear();
        // The author's actor, resolved once (every "I" and "me" names it).
        let mut pronoun: Option<(String, CompactString)> = None;
        detected.mentions.reserve(kept.len());
        for f in kept {
            // Compact: a registry name or a linked one is copied inline,
            // not allocated, for each of a corpus's many mentions.
            let actor: CompactString = match f.actor {
                // The author's actor, decided by `assist::author` (the same
                // whatever the paragraphs detected with it).
                Some(a) if f.rule == Rule::Pronoun => match &pronoun {
                    Some((of, actor)) if **of == *a => actor.clone(),
                    _ => {
                        let actor = CompactString::from(self.resolver.resolve(&a));
                        pronoun = Some((a.into_owned(), actor.clone()));
                        actor
                    }
                },
                // A bare title: the name it stands for, linked as that
                // name is (`the Secretary` after `Secretary Wilson` is
                // `C. E. Wilson` when the document names him so).
                Some(a) if f.rule == Rule::TitleOnly => link(&a),
                Some(a) => CompactString::from(&*a),
                None => linked
                    .entry(f.surface)
                    .or_insert_with(|| link(f.surface))
                    .clone(),
            };
            detected.mentions.push(Mention {
                paragraph: f.paragraph,
                start: f.start,
                end: f.end,
                surface: f.surface.into(),
                actor,
                rule: f.rule,
            });
        }
        // A bracket variant resolves to the name before it.
        let variants: HashMap<String, String> = detected
            .aliases
            .iter()
            .map(|(n, v)| (fold_name(v), n.clone()))
            .collect();
        if !variants.is_empty() {
            for m in &mut detected.mentions {
                if let Some(name) = variants.get(&fold_name(&m.actor)) {
                    m.actor = self.resolver.resolve(name).into();
                }
            }
        }
        detected.aliases.sort();
        detected.aliases.dedup();
        detected
    }
}

/// Is there a capital among code points `start..end` of `text`?
fn has_capital(text: &str, start: usize, end: usize) -> bool {
    if text.is_ascii() {
        return text.as_bytes()[start..end]
            .iter()
            .any(u8::is_ascii_uppercase);
    }
    text.chars()
        .skip(start)
        .take(end - start)
        .any(char::is_uppercase)
}

/// Marks a [`KnownNames`] query that is a run of Chinese characters or
/// kana: answered by any name in those letters inside it.
const UNSPACED_RUN: char = '\u{1}';

/// Leads a [`KnownNames`] key that asks whether a word ends a known name.
const NAME_END: char = '\u{2}';

/// A name in Chinese characters or kana alone (`周恩来`).
fn is_unspaced_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_unspaced_letter)
}

impl Detected {
    /// The names in Chinese characters or kana a rule found, as [`names`]
    /// lists them: met inside runs of those letters in other documents.
    ///
    /// [`names`]: Detected::names
    fn unspaced_names(&self) -> impl Iterator<Item = &str> {
        self.named_by_rules()
            .map(|m| m.surface.as_str())
            .filter(|s| is_unspaced_name(s))
    }

    /// The mentions a rule found as names: not linked mentions (known
    /// names), pronouns, bare titles or the registry's own names.
    fn named_by_rules(&self) -> impl Iterator<Item = &Mention> + Clone {
        self.mentions.iter().filter(|m| {
            !matches!(
                m.rule,
                Rule::Known | Rule::Pronoun | Rule::TitleOnly | Rule::Registry
            )
        })
    }

    /// The folded words of every name a rule found (not linked mentions,
    /// pronouns or bare titles): what other documents may link to.
    fn names(&self) -> Vec<Words> {
        let unspread =
            unspread_surfaces(self.named_by_rules().map(|m| (m.rule, m.surface.as_str())));
        // A name found many times is listed once.
        let mut listed: WordSet<&str> = WordSet::default();
        self.named_by_rules()
            .filter(|m| !unspread.contains(&m.surface.as_str()))
            .filter(|m| listed.insert(&m.surface))
            .map(|m| name_words(&m.surface))
            .filter(|w| !w.is_empty())
            .collect()
    }
}

/// Which surfaces of `found` (rule, surface) name someone wherever their
/// words stand again (the known-name rule). A one-word name whose only
/// evidence is a speaking verb after it (`Jap suggested`, `PriMin said`,
/// `Mainichi said`) is a mention there, but not spread: a capitalised word
/// before a verb is too often no name, and spread, one such word became
/// 27 false mentions in a set read for the first time.
///
/// Returned are the surfaces *not* spread: most documents have none, and
/// then nothing is allocated.
fn unspread_surfaces<'s>(found: impl Iterator<Item = (Rule, &'s str)> + Clone) -> Vec<&'s str> {
    let weak = |rule: Rule, surface: &str| rule == Rule::Speaker && !surface.contains(' ');
    let mut unspread: Vec<&str> = found
        .clone()
        .filter(|&(rule, surface)| weak(rule, surface))
        .map(|(_, surface)| surface)
        .collect();
    if !unspread.is_empty() {
        for (rule, surface) in found {
            if !weak(rule, surface) {
                unspread.retain(|&s| s != surface);
            }
        }
    }
    unspread
}

/// Documents whose actors [`link_across`] lists in one set.
const LISTED_TOGETHER: usize = 256;

/// Link mentions across documents: a variant one document pairs with a
/// name in brackets is that name's actor in every document (`박창옥` after
/// `Pak Chang-ok [박창옥]` elsewhere), and an actor that is part of exactly
/// one longer actor name found anywhere in `documents` (`Dulles` and
/// `Foster Dulles`) is merged into it.
pub fn link_across(documents: &mut [Detected], resolver: &ActorResolver) {
    link_variants_across(documents, resolver);
    // Each actor once, borrowed (a corpus has many mentions, few actors):
    // listed on every core, a batch of documents to a set (a set per
    // document would leave thousands to join), then joined.
    let batches: Vec<&[Detected]> = documents.chunks(LISTED_TOGETHER).collect();
    let per_batch = crate::archive::parallel::map_each(&batches, |batch| {
        batch
            .iter()
            .flat_map(|d| &d.mentions)
            .filter(|m| m.rule != Rule::Pronoun)
            .map(|m| m.actor.as_str())
            .collect::<WordSet<&str>>()
    });
    let names: WordSet<&str> = per_batch.into_iter().flatten().collect();
    let words: Vec<(Words, &str)> = names.iter().map(|n| (name_words(n), *n)).collect();
    let mut merged: HashMap<String, String> = HashMap::new();
    for (w, name) in &words {
        if resolver.knows(name) {
            continue;
        }
        let mut longer = words
            .iter()
            .filter(|(o, _)| o.len() > w.len() && contains_run(o, w))
            .map(|(_, n)| *n);
        if let (Some(only), None) = (longer.next(), longer.next()) {
            merged.insert(name.to_string(), only.to_string());
        }
    }
    if merged.is_empty() {
        return;
    }
    // Every mention looked up, on every core: a corpus has many.
    crate::archive::parallel::each_share_mut(documents, |part| {
        for m in part.iter_mut().flat_map(|d| &mut d.mentions) {
            if let Some(to) = merged.get(m.actor.as_str()) {
                m.actor = to.into();
            }
        }
    });
}

/// The bracket pairs of every document applied to all of them: a mention
/// whose actor is a variant (folded) is the actor of the name it was paired
/// with — the first pairing in document order, and never over an actor the
/// registry knows. (Within its own document a pair is applied already.)
fn link_variants_across(documents: &mut [Detected], resolver: &ActorResolver) {
    let mut variants: HashMap<String, String> = HashMap::new();
    for (name, variant) in documents.iter().flat_map(|d| &d.aliases) {
        variants
            .entry(fold_name(variant))
            .or_insert_with(|| resolver.resolve(name));
    }
    if variants.is_empty() {
        return;
    }
    crate::archive::parallel::each_share_mut(documents, |part| {
        for m in part.iter_mut().flat_map(|d| &mut d.mentions) {
            if resolver.knows(&m.actor) {
                continue;
            }
            if let Some(to) = variants.get(&fold_name(&m.actor)) {
                m.actor = to.into();
            }
        }
    });
}

/// The buffers [`Detector::detect_with`] works in, kept from one document
/// to the next on a thread: a corpus would otherwise allocate them anew
/// for each of its documents. Cleared by each document as it starts.
#[derive(Default)]
pub struct Scratch<'a> {
    /// The words of every paragraph, each paragraph its range.
    tokens: Vec<Token<'a>>,
    paras: Vec<(Para<'a>, std::ops::Range<usize>)>,
    /// The name runs of every paragraph, each paragraph its range.
    runs: Vec<(usize, usize)>,
    runs_of: Vec<std::ops::Range<usize>>,
    run_at: RunsAt,
    /// Each paragraph's mentions found by the rules: their range of `found`.
    found_of: Vec<std::ops::Range<usize>>,
    folded: Folded,
    matches: Vec<(usize, usize, &'a str)>,
    /// The names the document's rules found, and their surfaces listed.
    local: KnownNames,
    listed: WordSet<&'a str>,
    /// A name's words.
    words: Words,
    /// The key of the words asked about.
    key: String,
    /// The actor each surface links to.
    linked: HashMap<&'a str, CompactString, fnv::FnvBuildHasher>,
    /// The words tokenised: those the rules read, but in tests that
    /// compare with every word.
    kept: WordsKept,
}

/// A mention while detection runs: the actor is known only for registry
/// and pronoun mentions; the rest are linked at the end.
#[derive(Debug, Clone)]
struct Found<'a> {
    paragraph: usize,
    start: usize,
    end: usize,
    /// The paragraph's text it spans (copied only for a mention kept).
    surface: &'a str,
    /// Borrowed from the detector (a registry name) or the author.
    actor: Option<Cow<'a, str>>,
    rule: Rule,
}

impl<'a> Found<'a> {
    fn new(
        paragraph: usize,
        start: usize,
        end: usize,
        para: &Para<'a>,
        actor: Option<Cow<'a, str>>,
        rule: Rule,
    ) -> Found<'a> {
        Found {
            paragraph,
            start,
            end,
            surface: para.slice(start, end),
            actor,
            rule,
        }
    }
}

/// A paragraph's text addressed by code point (mentions are reported in
/// code points): an ASCII paragraph, the common case, is its own index.
struct Para<'a> {
    text: &'a str,
    /// Byte offset of each code point and of the end; empty when ASCII.
    offsets: Vec<usize>,
    /// Some word of the paragraph was left out of its tokens
    /// ([`WordsKept::ReadByRules`]).
    left_out: bool,
}

impl<'a> Para<'a> {
    fn new(text: &'a str) -> Para<'a> {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Para {
            text,
            offsets,
            left_out: false,
        }
    }

    /// Length in code points.
    fn len(&self) -> usize {
        self.offsets.len().checked_sub(1).unwrap_or(self.text.len())
    }

    fn byte(&self, index: usize) -> usize {
        if self.offsets.is_empty() {
            index
        } else {
            self.offsets[index]
        }
    }

    /// Code points `from..to`.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        &self.text[self.byte(from)..self.byte(to)]
    }
}

/// One word of a paragraph, in code points.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token<'a> {
    start: usize,
    end: usize,
    /// The word as the paragraph spells it (a title's dot included; a
    /// title whose dot follows a possessive, `Gen's.`, is the title itself).
    text: &'a str,
    /// Folded form for comparing names, for a word that is not ASCII (an
    /// ASCII word's is its text lower-cased, its hyphens spaces: made when
    /// asked, most words never are).
    folded: Option<Box<str>>,
    /// A capital initial with its dot: `B.`.
    initial: bool,
    /// Capitalised, not a title, not a known non-name: may be part of a name.
    name: bool,
    title: bool,
    /// Words left out lie between this token and the one before it.
    after_left_out: bool,
}

impl Token<'_> {
    /// Folded form for comparing names ([`fold_key`] of the text).
    fn key(&self) -> Cow<'_, str> {
        if let Some(folded) = &self.folded {
            return Cow::Borrowed(folded);
        }
        if !self
            .text
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b == b'-')
        {
            return Cow::Borrowed(self.text);
        }
        Cow::Owned(
            self.text
                .bytes()
                .map(|b| {
                    if b == b'-' {
                        ' '
                    } else {
                        char::from(b.to_ascii_lowercase())
                    }
                })
                .collect(),
        )
    }

    /// Is the folded form `word` (lower-case ASCII, no spaces)? Without a
    /// copy: `The`, `THE` and `the` are `the`.
    fn is(&self, word: &str) -> bool {
        match &self.folded {
            Some(folded) => **folded == *word,
            None => self.text.eq_ignore_ascii_case(word),
        }
    }

    /// Is the word a speaking verb (`said`, `Said`)?
    fn is_speaking_verb(&self) -> bool {
        if let Some(folded) = &self.folded {
            return SPEAKING_SET.contains(&**folded);
        }
        // Lower-cased on the stack: no verb is longer, none has a hyphen.
        let mut buf = [0u8; 16];
        let text = self.text.as_bytes();
        if text.len() > buf.len() || text.contains(&b'-') {
            return false;
        }
        for (to, from) in buf.iter_mut().zip(text) {
            *to = from.to_ascii_lowercase();
        }
        std::str::from_utf8(&buf[..text.len()]).is_ok_and(|w| SPEAKING_SET.contains(w))
    }

    /// Append the [`KnownNames`] key parts of the word to `key` (as
    /// [`KnownNames::key_into`] of its folded form would), each after a NUL
    /// but the first of all (`first`, cleared once one is written).
    fn key_parts_into(&self, key: &mut String, first: &mut bool) {
        let mut separate = |key: &mut String| {
            if !std::mem::take(first) {
                key.push('\0');
            }
        };
        if self.folded.is_some() {
            let folded = self.key();
            for part in name_word_parts(&folded) {
                separate(key);
                push_folded_word(part, key);
            }
            return;
        }
        // ASCII: the parts of the text lower-cased; a particle is one
        // whatever its case (its folded form is lower case).
        for part in name_word_parts(self.text) {
            if PARTICLES.iter().any(|p| part.eq_ignore_ascii_case(p)) {
                continue;
            }
            separate(key);
            key.extend(part.chars().map(|c| c.to_ascii_lowercase()));
        }
    }
}

/// The [`KnownNames`] key of some tokens, written into `key` (cleared
/// first): [`KnownNames::key_into`] of their folded forms, without folding
/// a copy of each.
fn tokens_key_into(toks: &[Token], key: &mut String) {
    key.clear();
    let mut first = true;
    for t in toks {
        t.key_parts_into(key, &mut first);
    }
}

/// [`fold_word`] of `word` pushed onto `key`, without a copy for ASCII.
fn push_folded_word(word: &str, key: &mut String) {
    if word.is_ascii() && !word.contains('_') {
        key.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        key.push_str(&fold_word(word));
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The byte ranges of a hyphenated word's parts when there are several
/// and each is capitalised (`Green-Magruder`; not `Il-sung`, `Rhee-like`,
/// nor initials `U-N`); none otherwise.
fn capitalised_parts(word: &str) -> Vec<(usize, usize)> {
    if !word.contains(is_hyphen) {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut from = 0;
    for (at, c) in word.char_indices().filter(|(_, c)| is_hyphen(*c)) {
        parts.push((from, at));
        from = at + c.len_utf8();
    }
    parts.push((from, word.len()));
    let capitalised = |&(a, b): &(usize, usize)| {
        let part = &word[a..b];
        part.starts_with(char::is_uppercase) && part.chars().skip(1).any(char::is_lowercase)
    };
    if parts.iter().all(capitalised) {
        parts
    } else {
        Vec::new()
    }
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '\u{2010}' || c == '\u{2011}'
}

/// A letter of a script without case (Hangul, Chinese characters, kana):
/// names in them have no capital to tell them.
fn is_caseless_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

/// A word whose first letter has no case (`박창옥`, `周恩来`).
fn is_caseless_word(word: &str) -> bool {
    word.chars().next().is_some_and(is_caseless_letter)
}

/// Korean particles (josa), written onto the word before them with no
/// space: `박창옥은` is 박창옥 and the topic particle. A word is taken for
/// a name with particles only when the name is known (the registry's, or
/// one the document's rules found), so a name that ends as a particle
/// does is not cut short.
const KOREAN_PARTICLES: &[&str] = &[
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "께",
    "와",
    "과",
    "도",
    "만",
    "로",
    "으로",
    "에게",
    "에서",
    "께서",
    "한테",
    "보다",
    "처럼",
    "까지",
    "부터",
    "이나",
    "나",
    "이랑",
    "랑",
    "하고",
    "에게서",
    "으로서",
    "로서",
    "으로써",
    "로써",
    "라고",
    "이라고",
    "이라는",
    "라는",
    "씨",
    "동지",
];

/// Does a Hangul name end at code point `end` of `text`, Korean
/// particles after it ending the word?
fn particles_after(text: &str, end: usize) -> bool {
    if text.is_ascii() {
        return false;
    }
    let Some((at, _)) = text.char_indices().nth(end) else {
        return false;
    };
    let (name, rest) = text.split_at(at);
    let word = rest
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    name.chars().next_back().is_some_and(is_hangul_syllable) && is_korean_particles(word)
}

/// A letter of a script written without spaces between words: Chinese
/// characters (and their use in Japanese) and kana. Korean, written with
/// spaces, is not one.
fn is_unspaced_letter(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
        | '\u{20000}'..='\u{2FFFF}' // CJK extensions B and after
    )
}

/// A Hangul syllable (`가`–`힣`): what a Korean particle is written after.
fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Is `rest` one or two Korean particles (`은`, `에게는`, `과의`)?
fn is_korean_particles(rest: &str) -> bool {
    let one = |s: &str| KOREAN_PARTICLES.contains(&s);
    one(rest)
        || rest
            .char_indices()
            .skip(1)
            .any(|(at, _)| one(&rest[..at]) && one(&rest[at..]))
}

/// The names `word` may be with Korean particles after them, longest
/// first: each prefix ending in a Hangul syllable whose rest is
/// particles. None for a word that is not Hangul.
fn korean_stems(word: &str) -> impl Iterator<Item = &str> {
    let hangul = word.chars().next().is_some_and(is_hangul_syllable);
    word.char_indices()
        .rev()
        .filter(move |&(at, _)| hangul && at > 0)
        .filter(|&(at, _)| {
            word[..at]
                .chars()
                .next_back()
                .is_some_and(is_hangul_syllable)
                && is_korean_particles(&word[at..])
        })
        .map(|(at, _)| &word[..at])
}

/// Most characters of a name in a script without case standing before a
/// bracketed romanisation (`박창옥 [Pak Chang-ok]`): Korean names have two
/// to four syllables, Chinese two or three characters; a longer word is
/// taken for a phrase (Chinese and Japanese run words together).
const CASELESS_NAME_CHARS: usize = 5;

/// [`fold_name`] of one word, without allocating for short ASCII words.
fn fold_key(word: &str) -> CompactString {
    if !word.is_ascii() {
        return CompactString::from(fold_name(word));
    }
    if !word
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b == b'-' || b == b'_')
    {
        // Lower case is all folding does to it.
        let mut out = CompactString::from(word);
        out.make_ascii_lowercase();
        return out;
    }
    // As `fold` does for ASCII: lower case; whitespace, `-` and `_` runs one
    // space; then trimmed.
    let mut out = CompactString::with_capacity(word.len());
    for c in word.chars() {
        if c.is_whitespace() || c == '-' || c == '_' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        CompactString::from(trimmed)
    }
}

/// Words: letters and digits, inner hyphens and apostrophes; a possessive
/// `'s` is left out; an abbreviation's or initial's dot is kept.
#[cfg(test)]
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    tokens_into(&mut Para::new(text), WordsKept::Every, &mut out);
    out
}

/// Which words of a paragraph become tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum WordsKept {
    Every,
    /// Those the rules read: capitalised words, words in a script without
    /// case (a name beside its romanisation), the lower-case words they
    /// ask about ([`RULE_WORDS`]), and the word after a capitalised one (a
    /// particle, a speaking verb). Most words of a text are none of these,
    /// and a word left out changes no rule's answer: a rule that reads the
    /// word next to a token either checks that only spaces lie between
    /// them ([`adjacent`]) or asks [`Token::after_left_out`].
    #[default]
    ReadByRules,
}

/// The lower-case words the rules ask about (`Token::is`), besides the
/// speaking verbs (read only after a name) and the particles (only inside).
const RULE_WORDS: &[&str] = &["the", "of", "and", "by", "me"];

/// Is `word` one of [`RULE_WORDS`], as [`Token::is`] compares (an ASCII
/// word whatever its case, any other by its folded form)?
fn is_rule_word(word: &str) -> bool {
    // A word not ASCII may fold to one (`thé`).
    is_ascii_rule_word(word) || (!word.is_ascii() && RULE_WORDS.contains(&fold_key(word).as_str()))
}

/// [`is_rule_word`] for an ASCII word: every rule word has two or three
/// letters, so most words are answered by their length.
#[inline]
fn is_ascii_rule_word(word: &str) -> bool {
    matches!(word.len(), 2 | 3) && RULE_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// [`tokens`] of `para` (the words `kept`), pushed onto `out`: each word's
/// text is a slice of it. An ASCII paragraph, the common case, is read byte
/// by byte ([`ascii_tokens`]). Marks `para` when a word was left out.
fn tokens_into<'a>(para: &mut Para<'a>, kept: WordsKept, out: &mut Vec<Token<'a>>) {
    para.left_out = if para.offsets.is_empty() {
        ascii_tokens(para.text, kept, out)
    } else {
        general_tokens(para, kept, out)
    };
}

/// Which words a tokeniser keeps, word by word (the state
/// [`WordsKept::ReadByRules`] needs: was the word before capitalised, were
/// words left out since the last token).
struct Keeper {
    kept: WordsKept,
    after_capital: bool,
    left_out: bool,
    any_left_out: bool,
}

impl Keeper {
    fn new(kept: WordsKept) -> Keeper {
        Keeper {
            kept,
            after_capital: false,
            left_out: false,
            any_left_out: false,
        }
    }

    /// Is the next word (`capital` or not) kept? `asked` tells whether the
    /// rules ask about it, only when that decides.
    fn keeps(&mut self, capital: bool, asked: impl FnOnce() -> bool) -> bool {
        let keep = self.kept == WordsKept::Every || capital || self.after_capital || asked();
        self.after_capital = capital;
        if !keep {
            self.left_out = true;
            self.any_left_out = true;
        }
        keep
    }

    /// Were words left out since the last token kept? (Reset: a token is
    /// being kept.)
    fn take_left_out(&mut self) -> bool {
        std::mem::take(&mut self.left_out)
    }
}

/// A word's flags from its text: (initial, title, name). Initials, titles
/// and names are capitalised: most words are none.
fn word_flags(text: &str) -> (bool, bool, bool) {
    let bytes = text.as_bytes();
    let ascii = text.is_ascii();
    let capital = match bytes.first() {
        Some(b) if ascii => b.is_ascii_uppercase(),
        _ => text.starts_with(char::is_uppercase),
    };
    if !capital {
        return (false, false, false);
    }
    let listed = LEXICON.get(text);
    let initial = text.len() == 2 && text.ends_with('.');
    // `Vice-Minister`, `Under-Secretary`: a compound of titles is a title.
    let title = listed.title || (bytes.contains(&b'-') && is_compound_title(text));
    let has_lower = if ascii {
        bytes[1..].iter().any(u8::is_ascii_lowercase)
    } else {
        text.chars().skip(1).any(char::is_lowercase)
    };
    // `Left-winger`, `Anti-Communist`: a compound led by a word that is no
    // name is none either (where `Chang-ok` is a romanised given name).
    let not_name = listed.not_name
        || bytes.contains(&b'-')
            && text
                .split('-')
                .next()
                .is_some_and(|head| LEXICON.get(head).not_name);
    let name = !title && (initial || has_lower) && !not_name;
    (initial, title, name)
}

/// A token of `text` with its flags; the folded form kept for a word that
/// is not ASCII.
fn token(start: usize, end: usize, text: &str) -> Token<'_> {
    let (initial, title, name) = word_flags(text);
    Token {
        start,
        end,
        folded: (!text.is_ascii()).then(|| fold_key(text).as_str().into()),
        text,
        initial,
        name,
        title,
        after_left_out: false,
    }
}

/// [`tokens_into`] for any paragraph, code point by code point: whether a
/// word was left out.
fn general_tokens<'a>(para: &Para<'a>, kept: WordsKept, out: &mut Vec<Token<'a>>) -> bool {
    let bytes = para.text.as_bytes();
    // Code points, only when they are not the bytes.
    let wide: Vec<char> = if para.offsets.is_empty() {
        Vec::new()
    } else {
        para.text.chars().collect()
    };
    let len = para.len();
    let at = |i: usize| -> char {
        if wide.is_empty() {
            char::from(bytes[i])
        } else {
            wide[i]
        }
    };
    let get = |i: usize| (i < len).then(|| at(i));
    let mut keeper = Keeper::new(kept);
    let mut i = 0;
    while i < len {
        if !at(i).is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < len {
            let c = at(i);
            let inner = (is_hyphen(c) || is_apostrophe(c))
                && get(i + 1).is_some_and(|n| n.is_alphanumeric());
            // A combining accent belongs to its letter (text in NFD,
            // `René` as `Rene` and U+0301).
            if c.is_alphanumeric() || inner || unicode_normalization::char::is_combining_mark(c) {
                i += 1;
            } else {
                break;
            }
        }
        let mut end = i;
        // Possessive: Wang's, Wang’s.
        if end - start > 2 && is_apostrophe(at(end - 2)) && at(end - 1) == 's' {
            end -= 2;
        }
        let mut text = para.slice(start, end);
        let capital = at(start).is_uppercase();
        // A word in a script without case may be a name beside its
        // romanisation (`박창옥 [Pak Chang-ok]`, read by [`strong_rules`]).
        if !keeper.keeps(capital, || is_rule_word(text) || is_caseless_word(text)) {
            // Not capitalised: no dot of its is part of it.
            continue;
        }
        if get(i) == Some('.') {
            let single_capital = end - start == 1 && capital;
            if let Some(dotted) = dotted_word(text, single_capital) {
                // The dot follows the word, unless a possessive came between
                // (`Gen's.`): then the text is the title's.
                text = if end == i {
                    para.slice(start, end + 1)
                } else {
                    dotted
                };
                end += 1;
                i += 1;
            }
        }
        let mut t = token(start, end, text);
        t.after_left_out = keeper.take_left_out();
        out.push(t);
    }
    keeper.any_left_out
}

/// The word with the dot after it, when the dot is part of it: an
/// initial's (`single_capital`: the text is then returned, the dot being
/// next to it) or a title's (`Gen.`).
fn dotted_word(word: &str, single_capital: bool) -> Option<&str> {
    if single_capital {
        return Some(word);
    }
    title_with_dot(word)
}

/// [`BYTE_CLASS`]: a letter or digit.
const ALNUM: u8 = 1;
/// [`BYTE_CLASS`]: a hyphen or apostrophe, inside a word when a letter or
/// digit follows.
const JOINER: u8 = 2;

/// The class of each ASCII byte for [`ascii_tokens`]: one load per byte
/// where the byte's tests took several comparisons (every byte of a
/// corpus is read here).
static BYTE_CLASS: [u8; 256] = {
    let mut classes = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = if byte.is_ascii_alphanumeric() {
            ALNUM
        } else if byte == b'-' || byte == b'\'' {
            JOINER
        } else {
            0
        };
        b += 1;
    }
    classes
};

/// [`general_tokens`] of an ASCII paragraph (code point `i` is byte `i`).
fn ascii_tokens<'a>(text: &'a str, kept: WordsKept, out: &mut Vec<Token<'a>>) -> bool {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let class = |i: usize| BYTE_CLASS[usize::from(bytes[i])];
    let alnum = |i: usize| i < len && class(i) == ALNUM;
    let mut keeper = Keeper::new(kept);
    let mut i = 0;
    while i < len {
        if class(i) != ALNUM {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < len {
            match class(i) {
                ALNUM => i += 1,
                JOINER if alnum(i + 1) => i += 1,
                _ => break,
            }
        }
        let mut end = i;
        // Possessive: Wang's.
        if end - start > 2 && bytes[end - 2] == b'\'' && bytes[end - 1] == b's' {
            end -= 2;
        }
        let mut word = &text[start..end];
        let capital = bytes[start].is_ascii_uppercase();
        if !keeper.keeps(capital, || is_ascii_rule_word(word)) {
            // Not capitalised: no dot of its is part of it.
            continue;
        }
        if i < len && bytes[i] == b'.' {
            let single_capital = end - start == 1 && capital;
            if let Some(dotted) = dotted_word(word, single_capital) {
                word = if end == i { &text[start..=end] } else { dotted };
                end += 1;
                i += 1;
            }
        }
        let after_left_out = keeper.take_left_out();
        // Lower-case words (most) have no flags and no folded form.
        if capital {
            let mut t = token(start, end, word);
            t.after_left_out = after_left_out;
            out.push(t);
        } else {
            out.push(Token {
                start,
                end,
                text: word,
                folded: None,
                initial: false,
                name: false,
                title: false,
                after_left_out,
            });
        }
    }
    keeper.any_left_out
}

/// A capitalised word naming an office or body, not a person
/// (`Foreign`, `Affairs`, `Planning`, `Commission`).
fn is_office_word(t: &Token) -> bool {
    t.text.chars().next().is_some_and(char::is_uppercase) && (!t.name || is_not_name(t.text))
}

/// Is the text between two tokens only spaces (the words are adjacent)?
fn adjacent(para: &Para, a: &Token, b: &Token) -> bool {
    a.end < b.start && para.slice(a.end, b.start).chars().all(char::is_whitespace)
}

/// Titles of address: the word after one is a person's name, whatever
/// else the document writes in lower case (`Mr. Young`, `the young`).
const HONORIFICS: &[&str] = &[
    "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Dr.", "Dr", "Madame", "Mme.", "Sir", "Lord",
    "Lady", "Comrade",
];

/// What [`strong_rules`] knows of the document a paragraph is in.
struct InDocument<'a, 'p> {
    /// Who "I" and "me" are.
    author: Option<&'a str>,
    /// May a paragraph that is only a name be a signature (not in a list
    /// of subjects)?
    signatures: bool,
    lower_case: LowerCase<'p>,
}

/// Which capitalised words a document also writes in lower case (`Treaty`
/// and `treaty`): common words, not names. Asked of few words (one-word
/// names the weaker rules find), each answered once per document.
struct LowerCase<'p> {
    paragraphs: &'p [&'p str],
    asked: Vec<(CompactString, bool)>,
}

impl<'p> LowerCase<'p> {
    fn new(paragraphs: &'p [&'p str]) -> LowerCase<'p> {
        LowerCase {
            paragraphs,
            asked: Vec::new(),
        }
    }

    /// Does some paragraph have `word` in lower case, as a whole word?
    fn written(&mut self, word: &str) -> bool {
        if let Some(&(_, answer)) = self.asked.iter().find(|(w, _)| w == word) {
            return answer;
        }
        let lower = word.to_lowercase();
        let answer = lower != word && self.paragraphs.iter().any(|p| has_word(p, &lower));
        self.asked.push((word.into(), answer));
        answer
    }
}

/// Is `word` in `text` with no letter or digit on either side?
fn has_word(text: &str, word: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).any(|at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Nouns that make a person's name part of an institution's or a
/// record's (`Eisenhower Library`, `Dulles Papers`, `Truman Doctrine`).
const INSTITUTION_NOUNS: &[&str] = &[
    "Library",
    "Papers",
    "Diaries",
    "Diary",
    "File",
    "Files",
    "Foundation",
    "Institute",
    "Doctrine",
    "Administration",
    "Study",
    "Collection",
    "Memorial",
    "Museum",
    "Archives",
    // `resolution by Technical Committee`: a body, named by a word.
    "Committee",
    "Commission",
    "Council",
    "Board",
    // `the White House` after `Lincoln White`: a building, not the man.
    "House",
];

/// A noun that names a thing after a person (`the Rhee Line`, `the
/// Rapacki Plan`, `the Zablocki Study`): the name before it is the person,
/// the two no new name.
fn eponymous(word: &str) -> bool {
    const THINGS: &[&str] = &[
        "Line",
        "Plan",
        "Report",
        "Mission",
        "Proposal",
        "Formula",
        "Program",
        "Programme",
        "Initiative",
        "Amendment",
        "Act",
        "Resolution",
        "Declaration",
        "Statement",
        "Letter",
        "Note",
        "Notes",
        "Memorandum",
        "Project",
        "Operation",
        "Group",
        "Talks",
        "Agreement",
    ];
    INSTITUTION_NOUNS.contains(&word) || THINGS.contains(&word)
}

/// Does a word of [`INSTITUTION_NOUNS`] follow code point `end` (only
/// spaces between)?
fn institution_after(para: &Para, end: usize) -> bool {
    let rest = &para.text[para.byte(end)..];
    let word = rest.trim_start_matches(' ');
    if word.len() == rest.len() {
        return false;
    }
    let word = word
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    INSTITUTION_NOUNS.contains(&word)
}

/// The heading of a memo's list of subjects (`SUBJECT`, `Subjects
/// Discussed:`), on a paragraph of its own.
fn is_subjects_heading(text: &str) -> bool {
    let text = text.trim().trim_end_matches(':').trim_end();
    [
        "subject",
        "subjects",
        "subject discussed",
        "subjects discussed",
        "topics",
        "topics discussed",
    ]
    .iter()
    .any(|h| text.eq_ignore_ascii_case(h))
}

/// An item of a list such as a memo's subjects: a few words, no sentence;
/// or an item's number on its own (`1.`, `(b)`, `IV.`), as an edition's
/// list may be laid out.
fn is_list_item(text: &str) -> bool {
    let text = text.trim();
    let number = text
        .trim_matches(|c: char| "().".contains(c))
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || "IVXLC".contains(c));
    !text.is_empty()
        && (number && text.len() <= 6
            || text.split_whitespace().nth(8).is_none() && !text.ends_with('.'))
}

/// Maximal runs of adjacent name tokens (particles allowed inside), as
/// `[from, to)` token indexes, pushed onto `runs`.
fn name_runs_into(para: &Para, toks: &[Token], runs: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].name {
            i += 1;
            continue;
        }
        // `U.S. Assistance`, `the U.N. Command`: initials that are no
        // person's.
        if let Some(after) = listed_initials(para, &toks[i..]) {
            i += after;
            continue;
        }
        let from = i;
        let mut to = i + 1;
        loop {
            if to < toks.len()
                && toks[to].name
                && (adjacent(para, &toks[to - 1], &toks[to])
                    || glued_initials(&toks[to - 1], &toks[to]))
            {
                to += 1;
            } else if to < toks.len()
                && capital_particle(toks[to - 1].text)
                && capitalised_word(&toks[to])
                && adjacent(para, &toks[to - 1], &toks[to])
            {
                // `General Van Fleet`: a surname a particle begins is a
                // name even where its word alone is none (`the Fleet`).
                to += 1;
            } else if to + 1 < toks.len()
                && PARTICLES.contains(&toks[to].text)
                && toks[to + 1].name
                && adjacent(para, &toks[to - 1], &toks[to])
                && adjacent(para, &toks[to], &toks[to + 1])
            {
                to += 2;
            } else {
                break;
            }
        }
        // A run never ends on an initial alone: `Johnson, U.` keeps `U.` out.
        runs.push((from, to));
        i = to;
    }
}

/// A particle written with a capital, beginning a surname: `Van`, `De`.
fn capital_particle(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
        && PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(text))
}

/// A capitalised word that is neither a title nor initials (`Fleet`).
fn capitalised_word(t: &Token) -> bool {
    !t.title
        && !t.initial
        && t.text.starts_with(char::is_uppercase)
        && t.text.chars().skip(1).any(char::is_lowercase)
}

/// Initials written together at the head of `toks` that [`NOT_NAMES`]
/// lists (`U.S.`, `U.N.`): how many tokens they are.
fn listed_initials(para: &Para, toks: &[Token]) -> Option<usize> {
    if !toks.first()?.initial {
        return None;
    }
    let glued = 1 + toks
        .windows(2)
        .take_while(|w| glued_initials(&w[0], &w[1]))
        .count();
    let text = para.slice(toks[0].start, toks[glued - 1].end);
    (glued > 1 && LEXICON.get(text).not_name).then_some(glued)
}

/// Initials written together, `S.D.` in `John S.D. Eisenhower`: one name.
fn glued_initials(a: &Token, b: &Token) -> bool {
    a.initial && b.initial && a.end == b.start
}

/// A run's shape makes it a name even without a title: an initial, or a
/// hyphenated romanisation (`En-lai`, `Chang-ok`), with two or more words.
fn name_shape(toks: &[Token]) -> bool {
    toks.len() >= 2
        // Initials alone are an abbreviation (`U. S.`, `U.N.`).
        && toks.iter().any(|t| t.name && !t.initial)
        && toks.iter().any(|t| {
            t.initial
                || t.text
                    .split(is_hyphen)
                    .nth(1)
                    .is_some_and(|rest| rest.chars().next().is_some_and(char::is_lowercase))
        })
}

/// The first pass over one paragraph (its words and their name runs by
/// start): every rule but registry and known names.
fn strong_rules<'a>(
    index: usize,
    para: &Para<'a>,
    (toks, run_at): (&[Token], &RunsAt),
    document: &mut InDocument<'a, '_>,
    last_titled: &mut HashMap<String, String>,
    found: &mut Vec<Found<'a>>,
    detected: &mut Detected,
) {
    let author = document.author;
    let only_names = document.signatures
        && !toks.is_empty()
        && !para.left_out
        && toks.len() <= 3
        && toks.iter().all(|t| t.name)
        && !para.text.contains([':', ',']);
    let mut by_list = false;
    // In the list a plural title starts (`Generals Wheeler, Fitch and
    // Taylor`), ended as a `by` list is.
    let mut titled_list = false;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        // A word left out before this one ends a `by` list, as any word but
        // `by` and `and` does.
        if t.after_left_out {
            by_list = false;
            titled_list = false;
        }
        // A name in a script without case, its romanisation after it in
        // brackets: `박창옥 [Pak Chang-ok]`. The romanisation is the name,
        // as when it comes first (`Pak Chang-ok [박창옥]`).
        if is_caseless_word(t.text)
            && t.text.chars().count() <= CASELESS_NAME_CHARS
            && toks
                .get(i + 1)
                .is_some_and(|n| n.text.starts_with(char::is_uppercase))
            && let Some((vs, ve, vto)) = bracket_after(para, toks, i + 1, run_at)
        {
            let name = normalise_space(para.slice(vs, ve)).into_owned();
            let variant = t.text.to_string();
            let rule = if name_shape(&toks[i + 1..vto]) {
                Rule::Shape
            } else {
                Rule::Bracket
            };
            found.push(Found::new(index, t.start, t.end, para, None, Rule::Bracket));
            found.push(Found::new(index, vs, ve, para, None, rule));
            detected.aliases.push((name, variant));
            i = vto;
            by_list = false;
            titled_list = false;
            continue;
        }
        // Pronouns: I, me; not the numeral of `World War I`, `Part I`.
        if (t.text == "I" || t.text == "me")
            && !(t.text == "I"
                && i > 0
                && numbering(&toks[i - 1])
                && adjacent(para, &toks[i - 1], t))
            && let Some(author) = author
        {
            found.push(Found::new(
                index,
                t.start,
                t.end,
                para,
                Some(Cow::Borrowed(author)),
                Rule::Pronoun,
            ));
            i += 1;
            by_list = false;
            titled_list = false;
            continue;
        }
        // Titles: Title+ Name+, or "the Title" alone.
        if t.title {
            let mut j = i;
            while j + 1 < toks.len()
                && (toks[j + 1].title || affaires(&toks[j + 1]))
                && adjacent(para, &toks[j], &toks[j + 1])
            {
                j += 1;
            }
            // A bare title names the last person titled so: `the Prime
            // Minister` the last `Prime Minister …` (not `Foreign Minister
            // Okazaki`), `the Minister` the last titled `… Minister …`.
            let title_key = toks[j].key().into_owned();
            let title_phrase = (j > i).then(|| {
                let mut phrase = String::new();
                tokens_key_into(&toks[i..=j], &mut phrase);
                phrase
            });
            // `Minister of Foreign Affairs Nam Il`, `Chairman of the State
            // Planning Commission, Pak Chang-ok`: the office, then the name.
            let mut k = j;
            if toks.get(j + 1).is_some_and(|t| t.is("of")) {
                let mut m = j + 2;
                while m < toks.len()
                    && (toks[m].is("the")
                        || toks[m].is("of")
                        || toks[m].is("and")
                        || is_office_word(&toks[m]))
                    && adjacent(para, &toks[m - 1], &toks[m])
                {
                    m += 1;
                }
                if m > j + 2 && is_office_word(&toks[m - 1]) {
                    k = m - 1;
                }
                // With a comma the office may hold any capitalised word.
                let mut c = j + 2;
                while c < toks.len()
                    && !toks[c].title
                    && ((toks[c].is("the") || toks[c].is("of"))
                        || toks[c].text.chars().next().is_some_and(char::is_uppercase))
                    && adjacent(para, &toks[c - 1], &toks[c])
                {
                    c += 1;
                }
                if c > j + 2
                    && c < toks.len()
                    && run_at.get(&c).is_some()
                    && para.slice(toks[c - 1].end, toks[c].start).trim() == ","
                {
                    k = c - 1;
                }
            }
            // Between the office and the name: spaces; after `of …`, a
            // comma; or brackets round the name, as FRUS headings give an
            // office's holder (`the Under Secretary of State (Hoover)`).
            let office_gap = |a: &Token, b: &Token, last: &Token| {
                let gap = para.slice(a.end, b.start).trim();
                adjacent(para, a, b)
                    || (k > j && gap == ",")
                    || (gap == "(" && para.slice(last.end, (last.end + 1).min(para.len())) == ")")
            };
            // `General Order`, `Deputy Cabinet Secretary`: one word after an
            // office that the document also writes in lower case is no
            // name (after `Mr.` it is: `Mr. Young`).
            let common = |from: usize, to: usize, lower_case: &mut LowerCase| {
                to - from == 1
                    && !toks[i..=j].iter().any(|t| HONORIFICS.contains(&t.text))
                    && lower_case.written(toks[from].text)
            };
            if let Some(&(from, to)) = run_at.get(&(k + 1))
                && office_gap(&toks[k], &toks[from], &toks[to - 1])
                && !common(from, to, &mut document.lower_case)
            {
                let (s, e) = (toks[from].start, toks[to - 1].end);
                let name = normalise_space(para.slice(s, e)).into_owned();
                if let Some(phrase) = title_phrase {
                    last_titled.insert(phrase, name.clone());
                }
                last_titled.insert(title_key, name.clone());
                found.push(Found::new(index, s, e, para, None, Rule::Titled));
                i = to;
                if let Some((vs, ve, vto)) = bracket_after(para, toks, to, run_at) {
                    let variant = normalise_space(para.slice(vs, ve)).into_owned();
                    detected.aliases.push((name, variant));
                    found.push(Found::new(index, vs, ve, para, None, Rule::Bracket));
                    i = vto;
                }
                by_list = false;
                titled_list = PLURAL_TITLES.contains(&toks[j].text);
                continue;
            }
            let after_the = i > 0 && !t.after_left_out && toks[i - 1].is("the");
            if after_the
                && let Some(name) = last_titled.get(title_phrase.as_ref().unwrap_or(&title_key))
            {
                let (s, e) = (t.start, toks[j].end);
                found.push(Found::new(
                    index,
                    s,
                    e,
                    para,
                    Some(Cow::Owned(name.clone())),
                    Rule::TitleOnly,
                ));
            }
            i = j + 1;
            by_list = false;
            titled_list = false;
            continue;
        }
        if let Some(&(from, to)) = run_at.get(&i) {
            let run = &toks[from..to];
            let (s, e) = (run[0].start, run[run.len() - 1].end);
            let after_by = i > 0 && toks[i - 1].is("by") && adjacent(para, &toks[i - 1], t);
            let listed = by_list && i > 0 && list_gap(para, &toks[i - 1], t);
            let titled = titled_list && i > 0 && list_gap(para, &toks[i - 1], t);
            let speaker = toks
                .get(to)
                .is_some_and(|n| n.is_speaking_verb() && adjacent(para, &run[run.len() - 1], n));
            let rule = if only_names {
                Some(Rule::Signature)
            } else if name_shape(run) {
                Some(Rule::Shape)
            } else if speaker {
                Some(Rule::Speaker)
            } else if after_by || listed {
                Some(Rule::By)
            } else if titled {
                Some(Rule::Titled)
            } else {
                None
            };
            // One word the document also writes in lower case (`by
            // Cabinet` beside `the cabinet`) is a common word, capitalised;
            // initials alone (a telephone memorandum's `D. said` for
            // Dulles) name no one the text can tell.
            let mut common_word = |r: &Rule| {
                matches!(r, Rule::Signature | Rule::Speaker | Rule::By | Rule::Titled)
                    && run.len() == 1
                    && document.lower_case.written(run[0].text)
            };
            let initials_alone = run.iter().all(|t| t.initial);
            // `by Technical Committee`: one word naming a body.
            let a_body = || run.len() == 1 && institution_after(para, e);
            // `the Bureau of the Budget reported`, `the Mainichi said`: one
            // word after `the` is a thing's name, not a person's.
            let a_thing = |r: &Rule| {
                *r == Rule::Speaker
                    && run.len() == 1
                    && i > 0
                    && toks[i - 1].is("the")
                    && adjacent(para, &toks[i - 1], t)
            };
            let rule =
                rule.filter(|r| !initials_alone && !a_body() && !common_word(r) && !a_thing(r));
            // Name [Variant], unless the brackets correct a word
            // (`Agreement on Tariff [Tariffs ]`).
            let bracket = bracket_after(para, toks, to, run_at)
                .filter(|&(vs, ve, _)| !is_correction(para.slice(s, e), para.slice(vs, ve)));
            if let Some((vs, ve, vto)) = bracket {
                let name = normalise_space(para.slice(s, e));
                let variant = normalise_space(para.slice(vs, ve));
                if fold_name(&name) != fold_name(&variant) || name != variant {
                    detected
                        .aliases
                        .push((name.into_owned(), variant.into_owned()));
                }
                found.push(Found::new(
                    index,
                    s,
                    e,
                    para,
                    None,
                    rule.unwrap_or(Rule::Bracket),
                ));
                found.push(Found::new(index, vs, ve, para, None, Rule::Bracket));
                i = vto;
                by_list = false;
                titled_list = false;
                continue;
            }
            if let Some(rule) = rule {
                found.push(Found::new(index, s, e, para, None, rule));
                by_list = matches!(rule, Rule::By) || (by_list && listed);
                titled_list = titled_list && titled;
            } else {
                by_list = false;
                titled_list = false;
            }
            i = to;
            continue;
        }
        if !(t.is("by") || (by_list && t.is("and"))) {
            by_list = false;
        }
        if !(titled_list && t.is("and")) {
            titled_list = false;
        }
        if t.is("by") {
            by_list = false;
        }
        i += 1;
    }
}

/// The name runs of a paragraph by the token each starts at.
#[derive(Default)]
struct RunsAt(Vec<Option<(usize, usize)>>);

impl RunsAt {
    /// The runs of a paragraph of `tokens` words (the buffer reused from
    /// one paragraph to the next).
    fn fill(&mut self, runs: &[(usize, usize)], tokens: usize) {
        self.0.clear();
        self.0.resize(tokens, None);
        for &r in runs {
            self.0[r.0] = Some(r);
        }
    }

    fn get(&self, token: &usize) -> Option<&(usize, usize)> {
        self.0.get(*token).and_then(Option::as_ref)
    }
}

/// Between two names of a `by` list: `, `, ` and `, `, and ` (and `and` itself
/// was a token, so this sees only the punctuation and spaces around it).
fn list_gap(para: &Para, prev: &Token, next: &Token) -> bool {
    let gap = para.slice(prev.end, next.start);
    if prev.is("and") {
        return gap.chars().all(char::is_whitespace);
    }
    gap.trim() == ","
}

/// `[Variant]` right after the run ending at token `to`: the variant's span
/// and the token index after it.
fn bracket_after(
    para: &Para,
    toks: &[Token],
    to: usize,
    run_at: &RunsAt,
) -> Option<(usize, usize, usize)> {
    let last = toks.get(to.checked_sub(1)?)?;
    let first = toks.get(to)?;
    if para.slice(last.end, first.start).trim() != "[" {
        return None;
    }
    let closes = |vto: usize| {
        let vend = toks[vto - 1].end;
        para.slice(vend, para.len())
            .trim_start()
            .starts_with(']')
            .then_some((first.start, vend, vto))
    };
    if let Some(&(vfrom, vto)) = run_at.get(&to)
        && vfrom == to
        && let Some(found) = closes(vto)
    {
        return Some(found);
    }
    // A variant may hold words that are no names alone (`Seo Hwi [So
    // Hwi]`): capitalised words, a few, one space or hyphen apart, then `]`;
    // or the name in a script without case (`Pak Chang-ok [박창옥]`).
    const MOST_WORDS: usize = 4;
    let mut vto = to;
    while vto < toks.len()
        && vto - to < MOST_WORDS
        && toks[vto]
            .text
            .starts_with(|c: char| c.is_uppercase() || is_caseless_letter(c))
        && (vto == to || adjacent(para, &toks[vto - 1], &toks[vto]))
    {
        vto += 1;
        if let Some(found) = closes(vto) {
            return Some(found);
        }
    }
    None
}

/// Is `variant`, in brackets after `word`, an editor's correction of one
/// word (`Tariff [Tariffs]`: the plural), not another spelling of a name?
fn is_correction(word: &str, variant: &str) -> bool {
    let (word, variant) = (word.to_lowercase(), variant.to_lowercase());
    let plural = |a: &str, b: &str| {
        b.strip_prefix(a)
            .is_some_and(|end| end == "s" || end == "es")
    };
    !word.contains(' ') && (plural(&word, &variant) || plural(&variant, &word))
}

/// The folded words of a name, initials and particles left out: compact
/// strings, so a name's words cost one allocation (the list), not one each.
fn name_words(name: &str) -> Words {
    let mut words = Words::new();
    name_words_into(name, &mut words);
    words
}

/// [`name_words`] into `words` (cleared first), a buffer used again.
fn name_words_into(name: &str, words: &mut Words) {
    words.clear();
    if name.is_ascii() {
        ascii_name_words_into(name, words);
    } else {
        words.extend(name_word_parts(name).map(fold_word));
    }
}

/// [`name_words_into`] of an ASCII name (most names), byte by byte: the
/// parts [`name_word_parts`] gives, each [`fold_word`]ed. A corpus asks
/// this of every name of every document.
fn ascii_name_words_into(name: &str, words: &mut Words) {
    // `char::is_whitespace`, a hyphen or a dot: the ASCII ones.
    let parts_at = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b || *b == b'-' || *b == b'.';
    for part in name.as_bytes().split(parts_at) {
        let Some(from) = part.iter().position(u8::is_ascii_alphanumeric) else {
            continue;
        };
        let to = part
            .iter()
            .rposition(u8::is_ascii_alphanumeric)
            .map_or(from, |i| i + 1);
        // ASCII bytes: a slice of them is a str.
        let Ok(word) = std::str::from_utf8(&part[from..to]) else {
            continue;
        };
        if word.len() < 2 || word.len() <= 3 && PARTICLES.contains(&word) {
            continue;
        }
        words.push(fold_word(word));
    }
}

/// A name's folded words ([`name_words`]).
type Words = Vec<CompactString>;

/// The words of a name before folding, initials and particles left out.
fn name_word_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || is_hyphen(c) || c == '.')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().nth(1).is_some() && !PARTICLES.contains(w))
}

/// [`fold_name`] of one word of a name (no spaces or hyphens in it): an
/// ASCII word without `_` (folded to a space) is only lower-cased.
fn fold_word(word: &str) -> CompactString {
    if word.is_ascii() && !word.contains('_') {
        let mut out = CompactString::from(word);
        out.make_ascii_lowercase();
        out
    } else {
        fold_name(word).into()
    }
}

/// Does `long` contain `short` as consecutive words?
fn contains_run<T: PartialEq<U>, U>(long: &[T], short: &[U]) -> bool {
    !short.is_empty() && long.windows(short.len()).any(|w| w == short)
}

/// Known names (each its folded words), asked whether some words occur in
/// a row in one of them: every run of consecutive words of every name is a
/// key of a set, so asking costs one lookup however many names are known.
#[derive(Debug, Default)]
struct KnownNames {
    /// Every run of words of every name, words joined by NUL (no document
    /// holds one); compact, as most runs fit inline.
    runs: WordSet<CompactString>,
    /// The last word of every name (its surname, in most of them).
    last_words: WordSet<CompactString>,
    /// Names too long to list all their runs: searched one by one.
    long: Vec<Words>,
    /// Names in Chinese characters or kana, as the text spells them:
    /// found inside runs of those letters (no spaces part the words).
    unspaced: WordSet<String>,
    /// [`KnownNames::unspaced`] as one searcher, built when first asked
    /// (a corpus in Chinese may know thousands of names, and each run of
    /// every document is asked about all of them).
    unspaced_matcher: std::sync::OnceLock<Option<AhoCorasick>>,
    /// The buffer runs are joined in (copied only when new: names recur).
    run: String,
}

impl KnownNames {
    /// Names longer than this are kept whole (a run per pair of ends
    /// would be too many).
    const LISTED_WORDS: usize = 24;

    /// No name known; the buffers kept.
    fn clear(&mut self) {
        self.runs.clear();
        self.last_words.clear();
        self.long.clear();
        self.unspaced.clear();
    }

    /// A name in Chinese characters or kana, found inside runs of them.
    fn insert_unspaced(&mut self, name: &str) {
        if !self.unspaced.contains(name) {
            self.unspaced.insert(name.to_string());
            self.unspaced_matcher = std::sync::OnceLock::new();
        }
    }

    /// The names in Chinese characters or kana inside `run`, overlapping
    /// ones too: byte spans.
    fn unspaced_in(&self, run: &str) -> Vec<(usize, usize)> {
        let matcher = self.unspaced_matcher.get_or_init(|| {
            (!self.unspaced.is_empty())
                .then(|| AhoCorasick::new(self.unspaced.iter()).ok())
                .flatten()
        });
        matcher
            .as_ref()
            .map(|m| {
                m.find_overlapping_iter(run)
                    .map(|m| (m.start(), m.end()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn insert<W: AsRef<str>>(&mut self, words: &[W]) {
        if words.len() > Self::LISTED_WORDS {
            self.long.push(
                words
                    .iter()
                    .map(|w| CompactString::from(w.as_ref()))
                    .collect(),
            );
            return;
        }
        if let Some(last) = words.last()
            && !self.last_words.contains(last.as_ref())
        {
            self.last_words.insert(CompactString::from(last.as_ref()));
        }
        let run = &mut self.run;
        for from in 0..words.len() {
            run.clear();
            for (i, word) in words[from..].iter().enumerate() {
                if i > 0 {
                    run.push('\0');
                }
                run.push_str(word.as_ref());
                if !self.runs.contains(run.as_str()) {
                    self.runs.insert(CompactString::from(run.as_str()));
                }
            }
        }
    }

    /// The key of some words, as [`KnownNames::contains`] takes it: their
    /// name words (initials and particles out), joined; empty when none.
    /// Written into `key`'s buffer (cleared first): one per document.
    /// (Detection keys its tokens with [`tokens_key_into`]; this is what
    /// that must agree with.)
    #[cfg(test)]
    fn key_into<'a>(words: impl Iterator<Item = &'a str>, key: &mut String) {
        key.clear();
        for (i, word) in words.flat_map(name_word_parts).enumerate() {
            if i > 0 {
                key.push('\0');
            }
            push_folded_word(word, key);
        }
    }

    /// Do the words of `key` occur in a row in a known name?
    fn contains(&self, key: &str) -> bool {
        if key.is_empty() {
            return false;
        }
        if let Some(run) = key.strip_prefix(UNSPACED_RUN) {
            return !self.unspaced_in(run).is_empty();
        }
        if let Some(word) = key.strip_prefix(NAME_END) {
            return self.last_words.contains(word)
                || self
                    .long
                    .iter()
                    .any(|k| k.last().is_some_and(|w| w == word));
        }
        if self.runs.contains(key) {
            return true;
        }
        if self.long.is_empty() {
            return false;
        }
        let words: Vec<&str> = key.split('\0').collect();
        self.long.iter().any(|k| contains_run(k, &words))
    }
}

/// Words one space apart, as `split_whitespace` then `join(" ")` give them;
/// borrowed when they are already (most names).
fn normalise_space(s: &str) -> Cow<'_, str> {
    let normal = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.contains(|c: char| c.is_whitespace() && c != ' ');
    if normal {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Did a rule (not a pronoun or a bare title) find exactly `start..end`
/// among a paragraph's mentions `found`? Such a span is a known name
/// already: what asking about it would add is left out for the rule's.
fn found_whole_by_a_rule(found: &[Found], start: usize, end: usize) -> bool {
    found.iter().any(|f| {
        (f.start, f.end) == (start, end) && f.rule != Rule::Pronoun && f.rule != Rule::TitleOnly
    })
}

/// Keep one mention per span: registry first, then the longer, then the
/// earlier (and of two alike, the one found first); in text order.
fn without_overlaps(found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    if found.iter().any(|f| f.start >= f.end) {
        return without_overlaps_scan(found);
    }
    // The order sorted as keys with the index last (the order a stable
    // sort gives), the mentions (each several words) moved once after.
    let mut keys: Vec<_> = found
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.rule != Rule::Registry,
                std::cmp::Reverse(f.end - f.start),
                f.paragraph,
                f.start,
                i,
            )
        })
        .collect();
    keys.sort_unstable();
    let mut found: Vec<Option<Found>> = found.into_iter().map(Some).collect();
    let order = keys.iter().filter_map(|k| found[k.4].take());
    // Kept in text order. Kept spans are disjoint and not empty, so of
    // those before the end of `f` only the last may overlap it.
    let mut kept: Vec<Found> = Vec::with_capacity(keys.len());
    for f in order {
        let before_end = kept.partition_point(|k| (k.paragraph, k.start) < (f.paragraph, f.end));
        let overlaps = before_end > 0 && {
            let k = &kept[before_end - 1];
            k.paragraph == f.paragraph && f.start < k.end
        };
        if !overlaps {
            let at = kept.partition_point(|k| (k.paragraph, k.start) < (f.paragraph, f.start));
            kept.insert(at, f);
        }
    }
    kept
}

/// [`without_overlaps`] by comparing each mention with every one kept: for
/// empty spans, which the faster way cannot take.
fn without_overlaps_scan(mut found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    found.sort_by(|a, b| {
        (a.rule != Rule::Registry)
            .cmp(&(b.rule != Rule::Registry))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.paragraph.cmp(&b.paragraph))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        let overlaps = kept
            .iter()
            .any(|k| k.paragraph == f.paragraph && k.start < f.end && f.start < k.end);
        if !overlaps {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.paragraph, f.start));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::registry::Actor;

    fn detect(paragraphs: &[&str], author: Option<&str>) -> Detected {
        Detector::new(&ActorResolver::default()).detect(paragraphs, author)
    }

    fn surfaces_and_rules(d: &Detected) -> Vec<(&str, Rule)> {
        d.mentions
            .iter()
            .map(|m| (m.surface.as_str(), m.rule))
            .collect()
    }

    fn found(d: &Detected) -> Vec<(usize, &str, &str, Rule)> {
        d.mentions
            .iter()
            .map(|m| (m.paragraph, m.surface.as_str(), m.actor.as_str(), m.rule))
            .collect()
    }

    #[test]
    fn registry_names_match_folded_with_code_point_offsets() {
        let resolver = ActorResolver::of([[Actor {
            name: "Pak Chang-ok".into(),
            aliases: vec!["Pak Chang Ok".into()],
        }]
        .as_slice()]);
        let d = Detector::new(&resolver);
        let text = "Émile saw PAK  chang‐ok and Pak Chang Ok; not Pak Chang-okay.";
        let m = d.registry_matches(text);
        let chars: Vec<char> = text.chars().collect();
        let spans: Vec<String> = m
            .iter()
            .map(|(s, e, _)| chars[*s..*e].iter().collect())
            .collect();
        assert_eq!(spans, vec!["PAK  chang‐ok", "Pak Chang Ok"]);
        assert!(m.iter().all(|(_, _, a)| a == "Pak Chang-ok"));
        let mentions = d.detect(&[text], None).mentions;
        assert_eq!(mentions[0].rule, Rule::Registry);
        assert_eq!(mentions[0].start, 10);
    }

    #[test]
    fn a_one_word_registry_name_in_lower_case_is_the_common_word() {
        let resolver = ActorResolver::of([[
            Actor {
                name: "Kenneth T. Young".into(),
                aliases: vec!["Young".into()],
            },
            Actor {
                name: "Nam Il".into(),
                aliases: vec![],
            },
        ]
        .as_slice()]);
        let d = Detector::new(&resolver).detect(
            &["Young told the young officers; YOUNG agreed, and nam il too."],
            None,
        );
        let found: Vec<(&str, &str)> = d
            .mentions
            .iter()
            .filter(|m| m.rule == Rule::Registry)
            .map(|m| (m.surface.as_str(), m.actor.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Young", "Kenneth T. Young"),
                ("YOUNG", "Kenneth T. Young"),
                ("nam il", "Nam Il")
            ]
        );
    }

    #[test]
    fn titled_names_leave_the_title_out() {
        let d = detect(
            &["Then Prime Minister U Nu met Ambassador U. Alexis Johnson."],
            None,
        );
        assert!(found(&d).contains(&(0, "U. Alexis Johnson", "U. Alexis Johnson", Rule::Titled)));
    }

    #[test]
    fn a_title_with_its_office_names_the_person_after_it() {
        let d = detect(
            &[
                "Minister of Foreign Affairs Nam Il and the Chairman of the State Planning Commission, Pak Kim, met.",
            ],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["Nam Il", "Pak Kim"]);
    }

    #[test]
    fn name_shapes_need_an_initial_or_a_romanised_hyphen() {
        let d = detect(
            &["Christian A. Herter and Chou En-lai spoke of the Seventh Fleet."],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["Christian A. Herter", "Chou En-lai"]);
        // Initials written together are one name with the words around
        // them; initials alone are an abbreviation.
        let d = detect(
            &["Major John S.D. Eisenhower met J.F. Dulles about U.S. aid and the U. N. vote."],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["John S.D. Eisenhower", "J.F. Dulles"]);
        // A country's initials before a capitalised word are no person's
        // (`U.S. Assistance to Korea`, a subject line).
        let d = detect(
            &[
                "U.S. Assistance to Korea",
                "The U.N. Command and the U.K. Embassy agreed with J.F. Dulles.",
            ],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["J.F. Dulles"]);
    }

    /// From the sixth FRUS set's first reading (1961-63 Vol. XXII, Korea):
    /// `White` of `Lincoln White` is not spread into `the White House`, and
    /// `Attorney General` is an office, whose first word is not spread.
    #[test]
    fn a_known_surname_before_house_and_the_attorney_general_are_no_persons() {
        let d = detect(
            &[
                "The Director of News, Lincoln White, spoke. The White House agreed. White said so.",
                "The A.G. [Attorney General] is seeing him. The Attorney will be asked.",
            ],
            None,
        );
        let surfaces: Vec<(usize, &str)> = d
            .mentions
            .iter()
            .filter(|m| m.rule != Rule::TitleOnly && m.rule != Rule::Bracket)
            .map(|m| (m.paragraph, m.surface.as_str()))
            .collect();
        assert_eq!(surfaces, vec![(0, "Lincoln White"), (0, "White")]);
        let white = d.mentions.iter().filter(|m| m.surface == "White").count();
        assert_eq!(white, 1, "{:?}", d.mentions);
        assert!(
            !d.mentions.iter().any(|m| m.surface == "Attorney"),
            "{:?}",
            d.mentions
        );
    }

    #[test]
    fn bracketed_romanisations_are_proposed_as_aliases() {
        let d = detect(
            &["Comrade Pak Chang-ok [Pak Chang Ok] spoke; later Pak Chang Ok left."],
            None,
        );
        assert_eq!(
            d.aliases,
            vec![("Pak Chang-ok".to_string(), "Pak Chang Ok".to_string())]
        );
        assert!(
            d.mentions.iter().all(|m| m.actor == "Pak Chang-ok"),
            "{:?}",
            d.mentions
        );
        assert_eq!(d.mentions.len(), 3);
    }

    #[test]
    fn a_bracketed_variant_with_a_word_that_is_no_name_alone_is_an_alias() {
        // `So` opens sentences; inside the brackets it is half a name.
        let d = detect(
            &["Seo Hwi [So Hwi] told Pak that the plan was wrong."],
            None,
        );
        assert_eq!(
            d.aliases,
            vec![("Seo Hwi".to_string(), "So Hwi".to_string())]
        );
        assert_eq!(
            found(&d),
            vec![
                (0, "Seo Hwi", "Seo Hwi", Rule::Bracket),
                (0, "So Hwi", "Seo Hwi", Rule::Bracket),
            ]
        );
        // Brackets holding no variant stay out.
        for text in [
            "Seo Hwi [Memorandum of the Conversation with the Minister] spoke.",
            "Seo Hwi [the Minister] spoke.",
            "Seo Hwi [So Hwi spoke.",
        ] {
            assert!(detect(&[text], None).aliases.is_empty(), "{text}");
        }
    }

    #[test]
    fn an_office_is_no_actor_and_its_titles_lead_to_the_name() {
        let d = detect(
            &[
                "Special Assistant",
                "Assistant",
                "Deputy Assistant Secretary Sebald said no.",
                "Assistant to the President Adams agreed.",
            ],
            None,
        );
        assert_eq!(
            found(&d),
            vec![
                (2, "Sebald", "Sebald", Rule::Titled),
                (3, "Adams", "Adams", Rule::Titled),
            ]
        );
    }

    #[test]
    fn a_classification_marking_on_its_own_line_is_no_signature() {
        for marking in ["Restricted", "Unclassified", "Niact", "Immediate"] {
            let d = detect(&["Memorandum of Conversation", marking, "V. Orlov"], None);
            assert_eq!(
                found(&d),
                vec![(2, "V. Orlov", "V. Orlov", Rule::Signature)],
                "{marking}"
            );
        }
    }

    #[test]
    fn a_title_with_a_prefix_titles_the_name_after_it() {
        let d = detect(
            &[
                "Present: Under-Secretary M. Whitcombe (Foreign Office).",
                "The Under-Secretary opened the meeting.",
            ],
            None,
        );
        assert_eq!(
            found(&d),
            vec![
                (0, "M. Whitcombe", "M. Whitcombe", Rule::Titled),
                (1, "Under-Secretary", "M. Whitcombe", Rule::TitleOnly),
            ]
        );
        assert!(super::is_compound_title("Vice-Minister"));
        assert!(super::is_compound_title("Assistant-Director"));
        assert!(!super::is_compound_title("Under-Estimate"));
        assert!(!super::is_compound_title("Secretary-Under"));
    }

    #[test]
    fn surnames_link_to_the_full_name_anywhere_in_the_document() {
        let d = detect(
            &[
                "Wang's interpreter came.",
                "Ambassador Wang Ping-nan countered.",
                "Pak agreed.",
            ],
            None,
        );
        let wang: Vec<&str> = d
            .mentions
            .iter()
            .filter(|m| m.surface.starts_with("Wang"))
            .map(|m| m.actor.as_str())
            .collect();
        assert_eq!(wang, vec!["Wang Ping-nan", "Wang Ping-nan"]);
        assert!(found(&d).contains(&(2, "Pak", "Pak", Rule::Speaker)));
    }

    #[test]
    fn by_lists_and_signatures_name_people() {
        let d = detect(
            &[
                "Drafted by McConaughy, Phleger, and Sebald; cleared by the Secretary.",
                "Dulles",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("McConaughy", Rule::By),
                ("Phleger", Rule::By),
                ("Sebald", Rule::By),
                ("Dulles", Rule::Signature)
            ]
        );
    }

    #[test]
    fn an_offices_holder_in_brackets_is_named_by_the_title() {
        let d = detect(
            &[
                "Memorandum From the Under Secretary of State (Hoover) to the Secretary of State (Dulles) and the Embassy (Tokyo)",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![("Hoover", Rule::Titled), ("Dulles", Rule::Titled)]
        );
    }

    #[test]
    fn a_list_of_subjects_holds_no_signatures() {
        let d = detect(
            &[
                "SUBJECTS",
                "Japan",
                "2.",
                "Cyprus",
                "Mr. Macmillan called on the Secretary.",
                "Dulles",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![("Macmillan", Rule::Titled), ("Dulles", Rule::Signature)]
        );
        assert!(is_subjects_heading("Subjects Discussed:"));
        assert!(!is_subjects_heading("Subjects of the talks were many."));
    }

    #[test]
    fn a_word_the_document_writes_in_lower_case_is_no_name_alone() {
        let surfaces = |paragraphs: &[&str]| -> Vec<String> {
            detect(paragraphs, None)
                .mentions
                .iter()
                .map(|m| format!("{} {}", m.surface, m.rule.as_str()))
                .collect()
        };
        // `by Cabinet`, `General Order`, `Cabinet said` beside `cabinet`,
        // `order`: common words capitalised.
        assert_eq!(
            surfaces(&[
                "The plans are to be approved by Cabinet soon.",
                "Under General Order No. 1 the cabinet gave the order.",
                "Cabinet said nothing.",
            ]),
            Vec::<String>::new()
        );
        // Without the lower-case word, a name; after `Mr.`, a name anyway.
        assert_eq!(
            surfaces(&["Drafted by Young."]),
            vec!["Young by".to_string()]
        );
        assert_eq!(
            surfaces(&["Mr. Young met the young officers."]),
            vec!["Young title".to_string()]
        );
        assert!(has_word("the cabinet met", "cabinet"));
        assert!(!has_word("the cabinets met", "cabinet"));
    }

    #[test]
    fn a_name_in_an_institutions_name_is_no_mention_of_the_person() {
        let d = detect(
            &[
                "Secretary Dulles spoke with Eisenhower.",
                "Source: Eisenhower Library, Dulles Papers, Whitman File.",
                "The Sec said Dulles agreed.",
            ],
            None,
        );
        let in_source: Vec<&str> = d
            .mentions
            .iter()
            .filter(|m| m.paragraph == 1)
            .map(|m| m.surface.as_str())
            .collect();
        assert!(in_source.is_empty(), "{in_source:?}");
        // `Sec` is the Secretary abbreviated, no name.
        assert!(!d.mentions.iter().any(|m| m.surface == "Sec"));
        assert!(
            d.mentions
                .iter()
                .any(|m| m.paragraph == 2 && m.surface == "Dulles")
        );
    }

    #[test]
    fn telegrams_abbreviated_titles_plural_titles_and_sentence_starts() {
        let d = detect(
            &[
                "PriMin Kishi met FonMin Cho. Ministers present agreed.",
                "Like Chiang Kai-shek, Speaker Yi Ki-poong declined. Despite FonOff views the Chief Hyon Sok-ho left.",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("Kishi", Rule::Titled),
                ("Cho", Rule::Titled),
                ("Chiang Kai-shek", Rule::Shape),
                ("Yi Ki-poong", Rule::Titled),
                ("Hyon Sok-ho", Rule::Titled),
            ]
        );
    }

    #[test]
    fn footnotes_references_and_peoples_adjectives_are_no_names() {
        let d = detect(
            &[
                "Approved in S. See also Document 34. See footnote 2.",
                "European integration worried the Socialist members; Asst. Sec. Robertson agreed.",
            ],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["Robertson"]);
    }

    #[test]
    fn cables_peoples_records_parts_corrections_and_lone_initials_are_no_names() {
        let d = detect(
            &[
                "Okazaki restated Jap realization. Jap said Sov overflights continue.",
                "According to the U.S. Minutes drawn up by Hemmendinger, the Joint Chiefs agreed.",
                "Left-winger Wada said no. Anti-Communist leaders met.",
                "GATT (General Agreement on Tariff [Tariffs ]and Trade) was discussed.",
                "D. said that Y. would come. The Honorable John M. Allison agreed.",
                "[Extract]",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("Hemmendinger", Rule::By),
                ("Wada", Rule::Speaker),
                ("John M. Allison", Rule::Titled),
            ]
        );
        assert!(d.aliases.is_empty(), "{:?}", d.aliases);
    }

    #[test]
    fn one_word_after_the_is_no_speaker() {
        let d = detect(
            &[
                "Mr. Kenneth Hansen of the Bureau of the Budget reported on his trip.",
                "The Mainichi said the treaty was unequal; Hansen said so too.",
            ],
            None,
        );
        let surfaces: Vec<&str> = d.mentions.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(surfaces, vec!["Kenneth Hansen", "Hansen"]);
    }

    #[test]
    fn a_speakers_word_alone_is_a_mention_but_not_spread() {
        let d = detect(
            &[
                "Mainichi said the treaty was unequal.",
                "Its editorial in Mainichi repeated that Mr. Kimura said so.",
                "Kimura left early.",
            ],
            None,
        );
        assert_eq!(
            found(&d),
            vec![
                (0, "Mainichi", "Mainichi", Rule::Speaker),
                (1, "Kimura", "Kimura", Rule::Titled),
                (2, "Kimura", "Kimura", Rule::Known),
            ]
        );
        // Nor in the other documents of a corpus.
        let detector = Detector::new(&ActorResolver::default());
        let both = detector.detect_all(&[
            (vec!["Mainichi said the treaty was unequal."], None),
            (vec!["Mainichi repeated it in an editorial."], None),
        ]);
        assert!(both[1].mentions.is_empty(), "{:?}", both[1].mentions);
    }

    #[test]
    fn instruments_and_bodies_are_no_names() {
        let d = detect(
            &[
                "Article 26 of the San Francisco Peace Treaty binds the Democratic Party and the U.S. Armed Forces.",
            ],
            None,
        );
        assert!(d.mentions.is_empty(), "{:?}", found(&d));
    }

    #[test]
    fn title_only_mentions_link_to_the_last_titled_name() {
        let d = detect(
            &["Minister Nam Il arrived.", "Later the Minister said no."],
            None,
        );
        assert!(found(&d).contains(&(1, "Minister", "Nam Il", Rule::TitleOnly)));
    }

    #[test]
    fn a_bare_title_of_several_words_names_the_last_titled_so() {
        let d = detect(
            &[
                "Prime Minister Yoshida spoke, and Foreign Minister Okazaki replied.",
                "Later the Prime Minister left and the Minister stayed.",
                "C. E. Wilson signed. Secretary Wilson said so. The Secretary agreed.",
            ],
            None,
        );
        let bare: Vec<(usize, &str, &str)> = d
            .mentions
            .iter()
            .filter(|m| m.rule == Rule::TitleOnly)
            .map(|m| (m.paragraph, m.surface.as_str(), m.actor.as_str()))
            .collect();
        assert_eq!(
            bare,
            vec![
                (1, "Prime Minister", "Yoshida"),
                (1, "Minister", "Okazaki"),
                // Linked as the name it stands for is.
                (2, "Secretary", "C. E. Wilson"),
            ]
        );
    }

    #[test]
    fn one_word_before_a_bodys_noun_is_no_person() {
        let d = detect(
            &["Subject to resolution by Technical Committee, Rusk agreed."],
            None,
        );
        assert!(
            surfaces_and_rules(&d)
                .iter()
                .all(|(s, _)| *s != "Technical"),
            "{d:?}"
        );
    }

    #[test]
    fn i_and_me_are_the_author_whatever_names_the_paragraphs_hold() {
        let d = detect(
            &["Petrov A. wrote this.", "I told him; he told me."],
            Some("Petrov"),
        );
        let pronouns: Vec<&str> = d
            .mentions
            .iter()
            .filter(|m| m.rule == Rule::Pronoun)
            .map(|m| m.actor.as_str())
            .collect();
        assert_eq!(pronouns, vec!["Petrov", "Petrov"]);
        assert!(detect(&["I told him."], None).mentions.is_empty());
    }

    #[test]
    fn sentence_starts_places_and_acronyms_are_not_names() {
        let d = detect(
            &["However the PRC and Geneva said. The Department of State agreed."],
            None,
        );
        assert!(d.mentions.is_empty(), "{:?}", d.mentions);
    }

    #[test]
    fn known_names_answer_as_a_scan_of_every_name_would() {
        let w = |s: &str| -> Vec<String> { s.split(' ').map(str::to_string).collect() };
        let names = [w("foster dulles"), w("chou en lai"), w("u alexis johnson")];
        let mut known = KnownNames::default();
        for n in &names {
            known.insert(n);
        }
        let long: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        known.insert(&long);
        for q in [
            "dulles",
            "foster dulles",
            "en lai",
            "chou lai",
            "johnson u",
            "w3 w4 w5",
            "w4 w3",
            "",
        ] {
            let words = w(q);
            let scan = !q.is_empty()
                && names
                    .iter()
                    .chain(std::iter::once(&long))
                    .any(|n| contains_run(n, &words));
            assert_eq!(known.contains(&words.join("\0")), scan, "{q}");
        }
    }

    #[test]
    fn detect_all_finds_what_two_full_passes_find() {
        // The second pass is skipped where names from other documents
        // change nothing: the result must be that of running it everywhere.
        let detector = Detector::new(&ActorResolver::default());
        let docs = vec![
            (
                vec!["Secretary Foster Dulles wrote.", "Dulles agreed."],
                None,
            ),
            (vec!["Drafted by Dulles.", "Wang countered."], None),
            (
                vec!["Nothing here.", "Ambassador Wang Ping-nan left."],
                None,
            ),
            (vec!["Wang and Chou spoke; I listened."], Some("Petrov")),
            (vec!["Chou En-lai [Zhou Enlai] said no."], None),
            (vec!["会谈中，周恩来总理说。"], None),
            (vec!["周恩来 [Zhou Enlai] arrived."], None),
        ];
        let mut known = KnownNames::default();
        for (p, a) in &docs {
            let d = detector.detect(p, *a);
            for words in d.names() {
                known.insert(&words);
            }
            for name in d.unspaced_names() {
                known.insert_unspaced(name);
            }
        }
        let mut twice: Vec<Detected> = docs
            .iter()
            .map(|(p, a)| detector.detect_with(p, *a, &known, None, &mut Scratch::default()))
            .collect();
        link_across(&mut twice, &detector.resolver);
        assert_eq!(detector.detect_all(&docs), twice);
        assert!(twice[3].mentions.iter().any(|m| m.actor == "Chou En-lai"));
        // A name in Chinese characters from another document, inside a run.
        let zhou: Vec<(usize, usize, &str)> = twice[5]
            .mentions
            .iter()
            .map(|m| (m.start, m.end, m.actor.as_str()))
            .collect();
        assert_eq!(zhou, [(4, 7, "Zhou Enlai")]);
    }

    #[test]
    fn names_in_scripts_without_case_beside_their_romanisation_are_aliases() {
        // Either way round, the romanisation is the name; the same word
        // later, alone or with particles, is the same actor.
        let d = detect(
            &[
                "Pak Chang-ok [박창옥] told Nam Il that the plan was late. Later 박창옥 left; 박창옥은 stayed.",
                "최창익 [Choe Chang-ik] said the cadres had not been consulted.",
                "周恩来 [Zhou Enlai] arrived.",
            ],
            None,
        );
        assert_eq!(
            d.aliases,
            vec![
                ("Choe Chang-ik".to_string(), "최창익".to_string()),
                ("Pak Chang-ok".to_string(), "박창옥".to_string()),
                ("Zhou Enlai".to_string(), "周恩来".to_string()),
            ]
        );
        let of = |surface: &str| -> Vec<(&str, Rule)> {
            d.mentions
                .iter()
                .filter(|m| m.surface == surface)
                .map(|m| (m.actor.as_str(), m.rule))
                .collect()
        };
        assert_eq!(
            of("박창옥"),
            vec![
                ("Pak Chang-ok", Rule::Bracket),
                ("Pak Chang-ok", Rule::Known),
                ("Pak Chang-ok", Rule::Known)
            ]
        );
        assert!(of("박창옥은").is_empty(), "{:?}", d.mentions);
        // The particle is left out of the mention: `박창옥` of `박창옥은`.
        let stayed = d.mentions.iter().filter(|m| m.surface == "박창옥").nth(2);
        let stayed = stayed.map(|m| (m.paragraph, m.start, m.end, m.rule));
        assert_eq!(stayed, Some((0, 71, 74, Rule::Known)), "{:?}", d.mentions);
        assert_eq!(of("최창익"), vec![("Choe Chang-ik", Rule::Bracket)]);
        assert_eq!(of("Choe Chang-ik"), vec![("Choe Chang-ik", Rule::Shape)]);
        assert_eq!(of("周恩来"), vec![("Zhou Enlai", Rule::Bracket)]);
        // Code points: `박창옥` is three, after `Pak Chang-ok [`.
        let first = d.mentions.iter().find(|m| m.surface == "박창옥").unwrap();
        assert_eq!((first.paragraph, first.start, first.end), (0, 14, 17));
        // No name before the bracket, a phrase in it, or a run of
        // characters too long for a name: nothing proposed.
        for text in [
            "The delegation's view [이것은 긴 문장입니다] is not a name.",
            "Comrade [박창옥] spoke.",
            "中华人民共和国政府 [Zhou Enlai] spoke.",
        ] {
            let d = detect(&[text], None);
            assert!(d.aliases.is_empty(), "{text}: {:?}", d.aliases);
        }
    }

    #[test]
    fn korean_particles_written_onto_a_known_name_are_left_out_of_it() {
        assert_eq!(korean_stems("박창옥은").collect::<Vec<_>>(), ["박창옥"]);
        assert_eq!(
            korean_stems("박창옥에게는").collect::<Vec<_>>(),
            ["박창옥에게", "박창옥"]
        );
        // `이` is a particle and ends names: both are asked, longest first.
        assert_eq!(
            korean_stems("김일성이가").collect::<Vec<_>>(),
            ["김일성이", "김일성"]
        );
        assert!(korean_stems("은행").next().is_none());
        assert!(korean_stems("Pak's").next().is_none());
        assert!(korean_stems("周恩来的").next().is_none());
        // The registry's name, with particles after it or none; a longer
        // word that only begins with it is another word.
        let actors = [Actor {
            name: "Pak Chang-ok".into(),
            aliases: vec!["박창옥".into()],
        }];
        let resolver = ActorResolver::of([&actors[..]]);
        let detector = Detector::new(&resolver);
        let d = detector.detect(
            &["박창옥은 회의에서 박창옥에게는 말했다. 박창옥다 박창옥은행 박창옥"],
            None,
        );
        let spans: Vec<(usize, usize, &str)> = d
            .mentions
            .iter()
            .map(|m| (m.start, m.end, m.actor.as_str()))
            .collect();
        assert_eq!(
            spans,
            [
                (0, 3, "Pak Chang-ok"),
                (10, 13, "Pak Chang-ok"),
                (33, 36, "Pak Chang-ok")
            ]
        );
        // A word with particles is a name only when the name is known.
        let d = detect(&["홍길동은 회의에서 말했다."], None);
        assert!(d.mentions.is_empty(), "{:?}", d.mentions);
    }

    #[test]
    fn names_in_chinese_and_japanese_need_no_space_around_them() {
        let actors = [
            Actor {
                name: "Zhou Enlai".into(),
                aliases: vec!["周恩来".into()],
            },
            Actor {
                name: "Nam Il".into(),
                aliases: vec!["남일".into()],
            },
        ];
        let resolver = ActorResolver::of([&actors[..]]);
        let detector = Detector::new(&resolver);
        let spans = |text: &str| -> Vec<(usize, usize, String)> {
            detector
                .detect(&[text], None)
                .mentions
                .iter()
                .filter(|m| m.rule == Rule::Registry)
                .map(|m| (m.start, m.end, m.actor.to_string()))
                .collect()
        };
        let zhou = |s, e| (s, e, "Zhou Enlai".to_string());
        // Chinese: inside a run of characters, at its start and its end.
        assert_eq!(spans("周恩来总理说，毛泽东同意。"), [zhou(0, 3)]);
        assert_eq!(spans("毛泽东对周恩来说"), [zhou(4, 7)]);
        // Japanese, a particle after the name.
        assert_eq!(spans("周恩来は北京で語った。"), [zhou(0, 3)]);
        // Korean is written with spaces: a longer word is another word.
        assert_eq!(spans("남일은 말했다"), [(0, 2, "Nam Il".to_string())]);
        assert!(spans("남일다 말했다").is_empty());
        // Latin letters keep their word boundaries.
        assert!(spans("Nam Ilsung spoke").is_empty());
        // Without the registry: a name met beside its romanisation is
        // known inside a run of characters later in the document.
        let d = detect(
            &["周恩来 [Zhou Enlai] arrived.", "会谈中，周恩来总理说。"],
            None,
        );
        let later: Vec<(usize, usize, usize, &str, Rule)> = d
            .mentions
            .iter()
            .filter(|m| m.paragraph == 1)
            .map(|m| (m.paragraph, m.start, m.end, m.actor.as_str(), m.rule))
            .collect();
        assert_eq!(later, [(1, 4, 7, "Zhou Enlai", Rule::Known)]);
    }

    #[test]
    fn a_bracket_pair_in_one_document_names_the_actor_in_all() {
        let detector = Detector::new(&ActorResolver::default());
        let docs = vec![
            (vec!["Pak Chang-ok [박창옥] spoke."], None),
            (vec!["박창옥은 반대했다.", "Later 박창옥 left."], None),
        ];
        let detected = detector.detect_all(&docs);
        let actors: Vec<(&str, &str)> = detected[1]
            .mentions
            .iter()
            .map(|m| (m.surface.as_str(), m.actor.as_str()))
            .collect();
        assert_eq!(
            actors,
            [("박창옥", "Pak Chang-ok"), ("박창옥", "Pak Chang-ok")]
        );
    }

    #[test]
    fn surnames_link_across_documents() {
        let detector = Detector::new(&ActorResolver::default());
        let docs = vec![
            (vec!["Secretary Foster Dulles wrote."], None),
            (vec!["Drafted by Dulles."], None),
        ];
        let d = detector.detect_all(&docs);
        assert_eq!(d[1].mentions[0].actor, "Foster Dulles");
    }

    #[test]
    fn a_hyphenated_title_is_left_out_of_the_name() {
        let d = detect(&["Vice-Minister Han Tae-jun received me."], None);
        assert_eq!(
            found(&d),
            vec![(0, "Han Tae-jun", "Han Tae-jun", Rule::Titled)]
        );
        // The ministry's name is not part of it either.
        let d = detect(
            &["Conversation with Vice-Minister of Trade Han Tae-jun."],
            None,
        );
        assert_eq!(
            found(&d),
            vec![(0, "Han Tae-jun", "Han Tae-jun", Rule::Titled)]
        );
    }

    #[test]
    fn a_particle_begins_a_surname_whose_word_alone_is_no_name() {
        let d = detect(
            &[
                "The President met General Van Fleet and the Seventh Fleet.",
                "Van Fleet's group left; De Gaulle said that it would.",
            ],
            None,
        );
        assert_eq!(
            found(&d),
            vec![
                (0, "Van Fleet", "Van Fleet", Rule::Titled),
                (1, "Van Fleet", "Van Fleet", Rule::Known),
                (1, "De Gaulle", "De Gaulle", Rule::Speaker),
            ]
        );
    }

    #[test]
    fn a_plural_title_titles_every_name_it_lists() {
        let d = detect(
            &[
                "Present were Generals Wheeler, Fitch, Carroll and Taylor. He agreed.",
                "Messrs. Yager and Rice dissented; Ministers Cho, and then Generals.",
                "Charge d'Affaires Marshall Green and our Chargé d\u{2019}Affaires Smith met.",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("Wheeler", Rule::Titled),
                ("Fitch", Rule::Titled),
                ("Carroll", Rule::Titled),
                ("Taylor", Rule::Titled),
                ("Yager", Rule::Titled),
                ("Rice", Rule::Titled),
                ("Cho", Rule::Titled),
                ("Marshall Green", Rule::Titled),
                ("Smith", Rule::Titled),
            ]
        );
    }

    #[test]
    fn names_joined_by_a_hyphen_are_each_found_when_known() {
        let d = detect(
            &[
                "General Magruder met Chargé Green. The Green-Magruder statements stood.",
                "Kim Il-sung came. The Anglo-American talks and a Rhee-like mess; Il-Sung left.",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("Magruder", Rule::Titled),
                ("Green", Rule::Titled),
                ("Green", Rule::Known),
                ("Magruder", Rule::Known),
                ("Kim Il-sung", Rule::Shape),
                ("Il-Sung", Rule::Known),
            ]
        );
        assert_eq!(capitalised_parts("Green-Magruder"), vec![(0, 5), (6, 14)]);
        assert!(capitalised_parts("Il-sung").is_empty());
        assert!(capitalised_parts("U-N").is_empty());
        assert!(capitalised_parts("Magruder").is_empty());
    }

    #[test]
    fn the_numeral_i_is_no_pronoun() {
        let d = detect(
            &[
                "After World War I and in Part I, as Tab I shows, I said that Section I stood.",
                "Then I agreed; the Minister told me so.",
            ],
            Some("Petrov"),
        );
        let pronouns: Vec<(usize, usize)> = d
            .mentions
            .iter()
            .filter(|m| m.rule == Rule::Pronoun)
            .map(|m| (m.paragraph, m.start))
            .collect();
        assert_eq!(pronouns, vec![(0, 49), (1, 5), (1, 33)]);
    }

    #[test]
    fn words_of_other_names_ending_on_one_of_its_own_are_a_new_name() {
        let d = Detector::new(&ActorResolver::default()).detect_all(&[
            (
                vec![
                    "Minister Nam Il said that Kim Il Sung was away.",
                    "Later Pak said no; the Rhee Line held and Bob Rhee left.",
                ],
                None,
            ),
            (
                vec!["Comrade Kim Tu-bong and Comrade Pak Chang-ok met President Rhee."],
                None,
            ),
        ]);
        let found: Vec<(&str, &str)> = d[0]
            .mentions
            .iter()
            .map(|m| (m.surface.as_str(), m.actor.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Nam Il", "Nam Il"),
                ("Kim Il Sung", "Kim Il Sung"),
                ("Pak", "Pak Chang-ok"),
                ("Rhee", "Rhee"),
                ("Rhee", "Rhee"),
            ]
        );
    }

    #[test]
    fn a_known_word_that_ends_no_name_after_one_of_its_own_ends_a_new_name() {
        let d = detect(
            &["Kim Il Sung said so. He told Nam Il that Bob Sung was there."],
            None,
        );
        let found: Vec<(&str, &str)> = d
            .mentions
            .iter()
            .map(|m| (m.surface.as_str(), m.actor.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Kim Il Sung", "Kim Il Sung"),
                ("Nam Il", "Nam Il"),
                ("Sung", "Kim Il Sung"),
            ]
        );
        // Every word another name's, the last ending none of them.
        let d = detect(
            &[
                "Comrade Kim Sung Hwa and Minister Nam Il came.",
                "They criticised Kim Il Sung there.",
            ],
            None,
        );
        assert_eq!(d.mentions[2].surface.as_str(), "Kim Il Sung");
        assert_eq!(d.mentions.len(), 3);
    }

    #[test]
    fn names_with_combining_accents_are_whole() {
        let d = detect(
            &[
                "Ambassador Rene\u{301} Lefe\u{300}vre met Comrade Ngo\u{302} Đi\u{300}nh Die\u{323}\u{302}m. Lefe\u{300}vre said no.",
            ],
            None,
        );
        assert_eq!(
            surfaces_and_rules(&d),
            vec![
                ("Rene\u{301} Lefe\u{300}vre", Rule::Titled),
                ("Ngo\u{302} Đi\u{300}nh Die\u{323}\u{302}m", Rule::Titled),
                ("Lefe\u{300}vre", Rule::Speaker),
            ]
        );
    }

    #[test]
    fn every_plural_title_is_a_title() {
        for t in PLURAL_TITLES {
            assert!(TITLES.contains(t), "{t}");
        }
    }

    #[test]
    fn ascii_name_words_are_the_parts_folded() {
        let general = |name: &str| -> Words { name_word_parts(name).map(fold_word).collect() };
        for name in [
            "Pak Chang-ok",
            "  Kim   Il-sung ",
            "J. F. Dulles",
            "Ludwig van Beethoven",
            "Van Fleet",
            "de Gaulle",
            "O'Brien's",
            "U.",
            "-Chou- (En-lai)",
            "snake_case Name",
            "A_b",
            "\tNam\x0bIl\r\n",
            "Mr. X.Y.Z",
            "",
            "--",
            "Bin al Din",
        ] {
            let mut fast = Words::new();
            ascii_name_words_into(name, &mut fast);
            assert_eq!(fast, general(name), "{name:?}");
        }
    }

    #[test]
    fn word_keys_fold_as_names_do() {
        for word in [
            "Pak",
            "Chang-ok",
            "McConaughy",
            "A_b",
            "U.",
            "x",
            "Ünal",
            "",
        ] {
            assert_eq!(fold_key(word).as_str(), fold_name(word), "{word}");
        }
    }

    #[test]
    fn word_texts_are_the_code_points_they_span() {
        // Words are sliced from the paragraph through a byte map when it is
        // not ASCII: each must be exactly its code points.
        for text in [
            "Đặng Văn Đồng met Zhōu Ēnlái’s aide, Dr. Ünal Paşa [Unal Pasa].",
            "Pak Chang-ok told me, I said: Kim B. agreed.",
            "",
        ] {
            let chars: Vec<char> = text.chars().collect();
            for t in tokens(text) {
                let spanned: String = chars[t.start..t.end].iter().collect();
                assert_eq!(t.text, spanned, "{text}");
            }
        }
    }

    #[test]
    fn a_dotted_title_after_a_possessive_keeps_its_text() {
        // `Gen's.`: the dot is not next to `Gen`, yet the word is `Gen.`
        // (a title), as it was when every word's text was a copy.
        let toks = tokens("Gen's. Pak Chang-ok, Mr. Kim.");
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (t.text, t.title)).collect();
        assert_eq!(
            words,
            vec![
                ("Gen.", true),
                ("Pak", false),
                ("Chang-ok", false),
                ("Mr.", true),
                ("Kim", false)
            ]
        );
        assert_eq!((toks[0].start, toks[0].end), (0, 4));
        assert_eq!(toks[2].key(), "chang ok");
        assert!(toks.iter().all(|t| t.key() == fold_key(t.text).as_str()));
    }

    /// Detection with only the words the rules read, and with every word.
    fn detect_both(paragraphs: &[&str]) -> (Detected, Detected) {
        let detector = Detector::new(&ActorResolver::default());
        let none = KnownNames::default();
        let every = detector.detect_with(
            paragraphs,
            Some("Petrov"),
            &none,
            None,
            &mut Scratch {
                kept: WordsKept::Every,
                ..Scratch::default()
            },
        );
        let read = detector.detect_with(
            paragraphs,
            Some("Petrov"),
            &none,
            None,
            &mut Scratch::default(),
        );
        (every, read)
    }

    #[test]
    fn words_left_out_still_end_by_lists_and_part_the_from_a_title() {
        // Each case turns on a word no rule reads: `old` ends the `by` list
        // (`Dulles` is no `by` name), parts `the` from `Minister` (no
        // title-only mention) and makes a paragraph more than names.
        for paragraphs in [
            &["Drafted by Kim and old and Dulles."][..],
            &["Minister Nam Il came.", "Then the old Minister left."],
            &["old Nam Il"],
        ] {
            let (every, read) = detect_both(paragraphs);
            assert_eq!(every, read, "{paragraphs:?}");
        }
        let (every, _) = detect_both(&["Drafted by Kim and old and Dulles."]);
        assert!(!found(&every).iter().any(|m| m.1 == "Dulles"));
    }

    proptest::proptest! {
        #[test]
        fn ascii_names_split_as_the_general_path_does(
            name in "([A-Za-z0-9 .,'()_\t\n\u{b}-]|de |van |Al |bin ){0,24}"
        ) {
            let mut fast = Words::new();
            ascii_name_words_into(&name, &mut fast);
            let general: Words = name_word_parts(&name).map(fold_word).collect();
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn ascii_paragraphs_tokenise_as_the_general_path_does(
            text in "([A-Za-z0-9 .,;:'()\\[\\]-]|Gen|Mr|Vice-Minister|'s|de |Said|said|Van ){0,40}"
        ) {
            for kept in [WordsKept::Every, WordsKept::ReadByRules] {
                let (mut ascii, mut general) = (Vec::new(), Vec::new());
                let left_out = ascii_tokens(&text, kept, &mut ascii);
                proptest::prop_assert_eq!(left_out, general_tokens(&Para::new(&text), kept, &mut general));
                proptest::prop_assert_eq!(ascii, general);
            }
        }

        /// Leaving out the words no rule reads changes nothing detected.
        #[test]
        fn the_words_the_rules_read_detect_what_every_word_does(
            paragraphs in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        "Minister|Comrade|Mr\\.|Gen's\\.|Vice-Minister|State|Planning|Commission|Foreign|Nam|Il|Pak|Chang-ok|Kim|B\\.|de|Gaulle|Dulles|I|me|the|The|of|and|by|said|told|old|foo|thé|Đặng|Văn|박창옥|박창옥은|周恩来|1957|Signed",
                        "[ ]|[ ]|[ ]|[,;:]? | \\[|\\] |\\. ",
                    ),
                    0..24,
                ),
                1..4,
            ),
            author in proptest::option::of("Petrov|Nam Il"),
        ) {
            let texts: Vec<String> = paragraphs
                .iter()
                .map(|words| words.iter().map(|(w, gap)| format!("{w}{gap}")).collect())
                .collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let resolver = ActorResolver::of([[Actor {
                name: "Pak Chang-ok".into(),
                aliases: vec!["Pak Chang Ok".into()],
            }]
            .as_slice()]);
            let detector = Detector::new(&resolver);
            let none = KnownNames::default();
            let every = detector.detect_with(
                &texts,
                author.as_deref(),
                &none,
                None,
                &mut Scratch {
                    kept: WordsKept::Every,
                    ..Scratch::default()
                },
            );
            let read = detector.detect_with(&texts, author.as_deref(), &none, None, &mut Scratch::default());
            proptest::prop_assert_eq!(every, read);
        }

        #[test]
        fn token_keys_are_the_folded_words(
            text in "([A-Za-zÉéĐđÜü0-9 .,'’‐-]|Gen|Dé|DE|Van|Said|SAID|Chang-ok|_|thé|tHe|bý|me|Of|ánd){0,30}"
        ) {
            let toks = tokens(&text);
            let mut key = String::new();
            let mut folded_key = String::new();
            for t in &toks {
                let folded = fold_key(t.text);
                proptest::prop_assert_eq!(t.key(), folded.as_str());
                for word in ["the", "of", "and", "by", "said"] {
                    proptest::prop_assert_eq!(t.is(word), folded == word);
                }
                proptest::prop_assert_eq!(t.is_speaking_verb(), SPEAKING_SET.contains(folded.as_str()));
                proptest::prop_assert_eq!(is_rule_word(t.text), RULE_WORDS.iter().any(|w| t.is(w)));
            }
            for from in 0..toks.len() {
                for to in from + 1..=toks.len().min(from + 4) {
                    tokens_key_into(&toks[from..to], &mut key);
                    let keys: Vec<Cow<str>> = toks[from..to].iter().map(Token::key).collect();
                    KnownNames::key_into(keys.iter().map(|k| &**k), &mut folded_key);
                    proptest::prop_assert_eq!(&key, &folded_key);
                }
            }
        }
    }

    #[test]
    fn the_lexicon_answers_as_the_word_lists_do() {
        let words = TITLES.iter().chain(NOT_NAMES).flat_map(|w| {
            let lower = w.to_lowercase();
            let longer = format!("{w}x");
            let mut shorter = w.to_string();
            shorter.pop();
            [w.to_string(), lower, longer, shorter]
        });
        let others = [
            "Pak",
            "Chang-ok",
            "Nam",
            "Il",
            "X",
            "",
            "Ministerx",
            "Ü",
            "Über",
        ];
        for word in words.chain(others.iter().map(|w| w.to_string())) {
            let expected = Listed {
                title: TITLES.contains(&word.as_str()),
                not_name: NOT_NAMES.contains(&word.as_str()),
            };
            assert_eq!(LEXICON.get(&word), expected, "{word:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_lexicon_answers_any_word_as_the_word_lists_do(word in "[A-Za-z.]{0,12}|[A-ZÜ][a-zé-]{0,40}") {
            let expected = Listed {
                title: TITLES.contains(&word.as_str()),
                not_name: NOT_NAMES.contains(&word.as_str()),
            };
            proptest::prop_assert_eq!(LEXICON.get(&word), expected);
        }

        #[test]
        fn spaces_normalise_as_split_and_join_do(text in "[a A\t\n\u{a0}\u{3000}-]{0,12}") {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(normalise_space(&text), joined.as_str());
        }
    }

    proptest::proptest! {
        #[test]
        fn overlaps_are_dropped_as_a_scan_of_every_kept_mention_drops_them(
            spans in proptest::collection::vec((0usize..3, 0usize..30, 1usize..8, 0usize..4), 0..40)
        ) {
            let rules = [Rule::Registry, Rule::Titled, Rule::Known, Rule::Shape];
            let found: Vec<Found> = spans
                .iter()
                .enumerate()
                .map(|(i, &(paragraph, start, len, rule))| Found {
                    paragraph,
                    start,
                    end: start + len,
                    // Which of two alike is kept shows in the surface.
                    surface: ["a", "b", "c", "d", "e", "f", "g"][i % 7],
                    actor: None,
                    rule: rules[rule],
                })
                .collect();
            let fast: Vec<_> = without_overlaps(found.clone())
                .iter()
                .map(|f| (f.paragraph, f.start, f.end, f.surface, f.rule))
                .collect();
            let scan: Vec<_> = without_overlaps_scan(found)
                .iter()
                .map(|f| (f.paragraph, f.start, f.end, f.surface, f.rule))
                .collect();
            proptest::prop_assert_eq!(fast, scan);
        }
    }

    #[test]
    fn a_surname_links_to_the_registry_name_met_earlier() {
        let resolver = ActorResolver::of([[Actor {
            name: "Pak Chang-ok".into(),
            aliases: vec!["Pak Chang Ok".into()],
        }]
        .as_slice()]);
        let d = Detector::new(&resolver).detect(&["Pak Chang Ok came.", "Pak said so."], None);
        let actors: Vec<&str> = d.mentions.iter().map(|m| m.actor.as_str()).collect();
        assert_eq!(actors, vec!["Pak Chang-ok", "Pak Chang-ok"]);
    }
}

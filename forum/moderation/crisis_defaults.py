"""The crisis phrases the site ships with (issue 19): plain data, copied into the
CrisisPhrase table by a data migration, then maintained by moderators in the admin.

Patterns are matched without regard to case on the *normalized* text (see
forum/moderation/crisis.py): accents and apostrophes removed ("can't" is "cant", "I'm"
is "im"), disguises undone ("k1ll", "k.i.l.l", "kiiiill"), a few typos of key words
corrected. "safe" patterns are blanked out before crisis patterns are tried: idioms,
research wording, factual mentions, negations.
"""

from __future__ import annotations

# (pattern, kind, language, note). Every pattern here is a regular expression.
DEFAULT_PHRASES: list[tuple[str, str, str, str]] = [
    # --- English: explicit -------------------------------------------------------
    (r"\bkill(?:ing)?\s+myself\b", "crisis", "en", "kill myself"),
    (r"(?<!\d)(?<!\d\s)\bkms\b", "crisis", "en", "kms (kill myself), not kilometres"),
    (r"\bunalive\b", "crisis", "en", "euphemism for suicide"),
    (
        r"\bend(?:ing)?\s+(?:my|it)\s+(?:own\s+)?(?:life|all)\b",
        "crisis",
        "en",
        "end my life, end it all",
    ),
    (
        r"\b(?:want|wanna|going|plan(?:ning)?|thinking\s+(?:about|of)|ready|decided)\s+(?:to\s+)?end(?:ing)?\s+it\b(?!\s+with\b)",
        "crisis",
        "en",
        "thinking about ending it",
    ),
    (r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b", "crisis", "en", "take my own life"),
    (
        r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on|carrying\s+on|being\s+alive|staying\s+alive|being\s+here)\b",
        "crisis",
        "en",
        "no reason to live",
    ),
    (
        r"\bcant\s+go\s+on(?=\s*(?:[.!,;]|$|like\s+this(?!\s+without)|anymore|any\s+more|living|much\s+longer|with\s+(?:life|living)))",
        "crisis",
        "en",
        "can't go on (not 'can't go on the trip')",
    ),
    (
        r"\b(?:want|wanna|wish|ready|going|plan(?:ning)?|deserve|longing)\s+(?:to\s+)?die\b",
        "crisis",
        "en",
        "want to die",
    ),
    (
        r"\bwish\s+i\s+(?:was|were|could\s+be)\s+dead\b|\bwish\s+i\s+could\s+(?:just\s+)?(?:die|disappear)\b",
        "crisis",
        "en",
        "wish I was dead",
    ),
    (
        r"\bwish\s+(?:i|id|i\s+had)\s+never\s+(?:been\s+born|existed|woken\s+up)\b",
        "crisis",
        "en",
        "wish I'd never been born",
    ),
    (
        r"\bbetter\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:was|were)\s+gone)\b",
        "crisis",
        "en",
        "better off without me",
    ),
    (
        r"\bbetter\s+(?:off\s+)?if\s+i\s+(?:wasnt|werent|was\s+not|were\s+not|didnt\s+exist|was\s+gone|were\s+gone|died)\b",
        "crisis",
        "en",
        "better if I wasn't here",
    ),
    (
        r"\b(?:im|i\s+am|i\s+feel|feel(?:ing)?|felt|been|getting|got|get|gets|go|am)\s+(?:\w+\s+){0,2}suicidal\b",
        "crisis",
        "en",
        "I'm feeling suicidal",
    ),
    (
        r"\b(?:i|im|ive|my|me)\b[^.!?]{0,40}suicidal\s+(?:thoughts|feelings|urges)\b",
        "crisis",
        "en",
        "my suicidal thoughts",
    ),
    (
        r"\b(?:thinking|thought|thoughts)\s+(?:about|of)\s+(?:suicide|killing\s+myself)\b",
        "crisis",
        "en",
        "thinking about suicide",
    ),
    (r"\b(?:commit|attempt|try|tried|attempted)\s+suicide\b", "crisis", "en", "attempt suicide"),
    (
        r"\b(?:dont|do\s+not|no\s+longer)\s+want\s+to\s+(?:live|be\s+alive|exist|wake\s+up|be\s+here\s+any\s*more|go\s+on)\b(?!\s+without)",
        "crisis",
        "en",
        "don't want to live",
    ),
    (
        r"\b(?:tired|sick)\s+of\s+(?:living|being\s+alive|life|existing)\b",
        "crisis",
        "en",
        "tired of living",
    ),
    (
        r"\b(?:sleep|go\s+to\s+sleep|fall\s+asleep)\s+and\s+(?:never|not)\s+wake\s+up\b",
        "crisis",
        "en",
        "sleep and never wake up",
    ),
    # --- English: implicit -------------------------------------------------------
    (
        r"\b(?:im|i\s+am|feel\s+like|i\s+feel\s+like)\s+(?:\w+\s+)?(?:a|such\s+a|nothing\s+but\s+a)\s+burden\s+(?:to|on|for)\b",
        "crisis",
        "en",
        "I'm a burden to everyone",
    ),
    (
        r"\b(?:everyone|everybody|they|family|kids|world)\s+(?:would\s+)?(?:be\s+)?better\s+off\s+without\s+me\b",
        "crisis",
        "en",
        "they'd be better off without me",
    ),
    (
        r"\b(?:wrote|written|writing|write)\s+(?:my\s+|a\s+)?(?:goodbye|suicide)\s+(?:letters?|notes?)\b",
        "crisis",
        "en",
        "goodbye letters",
    ),
    (
        r"\bthis\s+is\s+(?:my\s+)?(?:goodbye|last\s+(?:post|message|comment))\b",
        "crisis",
        "en",
        "this is goodbye",
    ),
    (
        r"\bgiv(?:e|ing|en)\s+away\s+(?:all\s+)?(?:of\s+)?my\s+(?:things|stuff|belongings|possessions)\b",
        "crisis",
        "en",
        "giving away my things",
    ),
    (
        r"\b(?:saving|stockpiling|hoarding|saved|collecting|stashing)\s+(?:up\s+)?(?:all\s+)?(?:my\s+)?(?:pills|tablets|meds|medication|painkillers)\b",
        "crisis",
        "en",
        "stockpiling pills",
    ),
    (
        r"\b(?:want|wanna|going|plan(?:ning)?|thinking\s+(?:about|of)|tempted|could\s+easily)\s+(?:to\s+)?(?:overdose|overdosing|od)\b(?!\s+(?:risk|symptoms|on\s+(?:magnesium|supplements|vitamins)))",
        "crisis",
        "en",
        "intent to overdose (not the word alone)",
    ),
    (
        r"\b(?:take|took|swallow|swallowed|taken|taking)\s+(?:all\s+(?:of\s+)?my\s+(?:pills|tablets|meds|medication|painkillers)(?:\s+at\s+once)?|the\s+whole\s+(?:bottle|box|pack|packet))\b(?!\s+(?:today|as\s+prescribed|this\s+morning|on\s+time|of\s+antibiotics))",
        "crisis",
        "en",
        "take all my pills",
    ),
    (
        r"\b(?:cant|cannot|can\s+not)\s+(?:do|take|handle|bear)\s+(?:this|it)\s+(?:anymore|any\s+more)\b",
        "crisis",
        "en",
        "can't do this anymore",
    ),
    (
        r"\b(?:dont|do\s+not)\s+see\s+(?:the\s+|a\s+|any\s+)?(?:point|reason)\s+(?:in|of|to)\s+(?:living|going\s+on|life|carrying\s+on|being\s+alive)\b",
        "crisis",
        "en",
        "don't see the point in living",
    ),
    (
        r"\bwhats\s+the\s+point\s+(?:of|in)\s+(?:living|going\s+on|life|being\s+alive)\b",
        "crisis",
        "en",
        "what's the point of living",
    ),
    (r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b", "crisis", "en", "nothing to live for"),
    (
        r"\b(?:wont|will\s+not)\s+be\s+(?:around|here|alive)\s+(?:much\s+longer|for\s+long|anymore|any\s+more|by\s+(?:next|the\s+end))\b",
        "crisis",
        "en",
        "won't be around much longer",
    ),
    (
        r"\bwant\s+(?:it|everything|it\s+all)\s+(?:all\s+)?to\s+(?:end|stop)\s+(?:forever|for\s+good|permanently)\b",
        "crisis",
        "en",
        "want it all to end for good",
    ),
    (r"\bwant\s+(?:everything|it\s+all)\s+to\s+end\b", "crisis", "en", "want it all to end"),
    (
        r"\b(?:want|wanna|urges?|going|started|keep|been|thinking\s+(?:about|of))\s+(?:to\s+)?(?:hurt|harm|cut|cutting|hurting|harming|burning)\s+myself\b",
        "crisis",
        "en",
        "self-harm",
    ),
    (r"\bself[\s-]?harm(?:ing|ed)?\s+again\b", "crisis", "en", "self-harming again"),
    (
        r"\b(?:disappear|vanish)\s+(?:forever|for\s+good|permanently)\b",
        "crisis",
        "en",
        "disappear forever",
    ),
    (r"\bdone\s+with\s+(?:life|living|it\s+all|being\s+alive)\b", "crisis", "en", "done with life"),
    (
        r"\b(?:isnt|is\s+not|not|no\s+longer)\s+worth\s+living\b",
        "crisis",
        "en",
        "life isn't worth living",
    ),
    (r"\bno\s+way\s+out\s+(?:but|except|other\s+than)\b", "crisis", "en", "no way out but..."),
    (
        r"\bend\s+(?:the|my|this)\s+(?:pain|suffering)\s+(?:for\s+good|forever|permanently)\b",
        "crisis",
        "en",
        "end the pain for good",
    ),
    (
        r"\b(?:stop|cease\s+to)\s+exist(?:ing)?\b|\bwant\s+to\s+not\s+exist\b",
        "crisis",
        "en",
        "stop existing",
    ),
    (
        r"\b(?:nobody|no\s+one|noone)\s+would\s+(?:even\s+)?(?:notice|care|miss\s+me)\s+if\s+i\s+(?:was|were|died|disappeared|left)\b",
        "crisis",
        "en",
        "nobody would notice if I was gone",
    ),
    (
        r"\bi\s+(?:will\s+|am\s+going\s+to\s+|ll\s+)?end\s+it(?:\s+all)?\s*(?:[.!]|$|tonight|today|soon|now)",
        "crisis",
        "en",
        "I end it tonight",
    ),
    (
        r"\b(?:jump(?:ing)?|throw(?:ing)?\s+myself)\s+(?:off|from|in\s+front\s+of)\s+(?:a|the|my)\s+(?:bridge|roof|building|train|cliff|balcony)\b",
        "crisis",
        "en",
        "jumping off a bridge",
    ),
    (
        r"\b(?:take|swallow|taking)\s+every\s+(?:pill|tablet)\b|\b(?:all|every)\s+(?:the\s+)?(?:pills?|tablets)\s+in\s+the\s+(?:house|cabinet)\b",
        "crisis",
        "en",
        "every pill in the house",
    ),
    (
        r"\b(?:whats|what\s+is)\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:living|going\s+on|life|being\s+alive)\b",
        "crisis",
        "en",
        "what is even the point of living",
    ),
    (
        r"\bwant\s+(?:my\s+life|it\s+all|everything|it)\s+(?:to\s+be\s+)?over\b",
        "crisis",
        "en",
        "want it all over",
    ),
    (r"\b(?:happier|better)\s+without\s+me\b", "crisis", "en", "happier without me"),
    (
        r"\bkeep\s+living\s+like\s+this\b|\bcant\s+keep\s+going\s*(?:[.,!;]|$|on\b)",
        "crisis",
        "en",
        "can't keep living like this",
    ),
    (
        r"\bways\s+to\s+(?:die|kill\s+myself|end\s+it|end\s+my\s+life)\b",
        "crisis",
        "en",
        "looking up ways to die",
    ),
    (r"\b(?:sleep|go\s+to\s+sleep)\s+forever\b", "crisis", "en", "sleep forever"),
    (
        r"\b(?:relieved|happier|better)\s+if\s+i\s+(?:died|was\s+dead|were\s+dead|was\s+gone|were\s+gone)\b",
        "crisis",
        "en",
        "relieved if I died",
    ),
    (
        r"\bwant\s+out\s+of\s+(?:this\s+)?life\b|\bgiv(?:e|ing)\s+up\s+on\s+(?:life|living)\b",
        "crisis",
        "en",
        "give up on life",
    ),
    # --- Spanish ------------------------------------------------------------------
    (
        r"\b(?:quiero|quisiera|voy\s+a|pienso\s+en|pensando\s+en|deseo|ganas\s+de)\s+(?:morir|morirme|matarme|suicidarme|quitarme\s+la\s+vida|desaparecer)\b",
        "crisis",
        "es",
        "quiero morir",
    ),
    (r"\bme\s+quiero\s+(?:morir|matar|suicidar)\b", "crisis", "es", "me quiero morir"),
    (
        r"\b(?:matarme|suicidarme|quitarme\s+la\s+vida|acabar\s+con\s+mi\s+vida|terminar\s+con\s+mi\s+vida)\b",
        "crisis",
        "es",
        "quitarme la vida",
    ),
    (
        r"\bno\s+quiero\s+(?:seguir\s+)?(?:vivir|viviendo|estar\s+aqui|despertar(?:me)?|existir)\b",
        "crisis",
        "es",
        "no quiero vivir",
    ),
    (
        r"\bno\s+(?:tiene|le\s+veo|veo)\s+(?:ningun\s+)?sentido\s+(?:a\s+)?(?:vivir|seguir|la\s+vida)\b",
        "crisis",
        "es",
        "no tiene sentido vivir",
    ),
    (
        r"\bmejor\s+(?:estarian|estaria|estarian\s+todos)\s+sin\s+mi\b|\b(?:estarian|estaria)\s+(?:todos\s+)?mejor\s+sin\s+mi\b",
        "crisis",
        "es",
        "estarían mejor sin mí",
    ),
    (
        r"\bno\s+(?:aguanto|puedo)\s+mas\s+(?:con\s+)?(?:la\s+vida|vivir|esta\s+vida|con\s+mi\s+vida)\b",
        "crisis",
        "es",
        "no aguanto más la vida",
    ),
    (r"\bno\s+puedo\s+seguir\s+(?:asi|viviendo|mas)\b", "crisis", "es", "no puedo seguir así"),
    (r"\bacabar\s+con\s+todo\b", "crisis", "es", "acabar con todo"),
    (r"\bme\s+voy\s+a\s+(?:matar|suicidar|quitar\s+la\s+vida)\b", "crisis", "es", "me voy a matar"),
    (r"\bsoy\s+una\s+carga\s+para\b", "crisis", "es", "soy una carga"),
    (
        r"\bno\s+hay\s+(?:ninguna\s+)?razon\s+para\s+(?:vivir|seguir)\b",
        "crisis",
        "es",
        "no hay razón para vivir",
    ),
    (r"\bdormir\s+y\s+no\s+despertar\b", "crisis", "es", "dormir y no despertar"),
    (
        r"\b(?:tengo|tenido|tener)\s+(?:\w+\s+)?(?:pensamientos|ideas)\s+suicidas\b",
        "crisis",
        "es",
        "pensamientos suicidas",
    ),
    (r"\bcansad[oa]\s+de\s+vivir\b", "crisis", "es", "cansada de vivir"),
    # --- Safe: blanked out before crisis patterns are tried --------------------------
    (r"\bdying\s+(?:to|for)\b|\bto\s+die\s+for\b", "safe", "en", "dying to try, to die for"),
    (
        r"\b(?:could|would|will|nearly|almost)\s+(?:just\s+)?(?:die|died)\s+(?:for|of|from|laughing)\b",
        "safe",
        "en",
        "I could die of embarrassment",
    ),
    (
        r"\b(?:not|never|no\s+longer|wouldnt|would\s+never|could\s+never|im\s+not|am\s+not|arent|wasnt|isnt)\s+(?:\w+\s+){0,2}(?:suicidal|kill(?:ing)?\s+myself|end(?:ing)?\s+my\s+life|hurt(?:ing)?\s+myself|take\s+my\s+(?:own\s+)?life)\b",
        "safe",
        "en",
        "negated: I'm not suicidal",
    ),
    (
        r"\b(?:dont|do\s+not|didnt|did\s+not)\s+want\s+to\s+die\b",
        "safe",
        "en",
        "I don't want to die",
    ),
    (
        r"\bsuicid\w*\s+(?:prevention|risk|rates?|research|awareness|statistics|screening|scale|ideation|attempts?\s+(?:in|among|were|was)|behaviou?r|among|in\s+(?:patients|people|fibromyalgia|chronic))",
        "safe",
        "en",
        "suicide prevention, suicide risk (research)",
    ),
    (
        r"\b(?:risk|rates?|prevalence|odds|history|predictors?|screening|prevention)\s+of\s+suicid\w*(?:\s+(?:ideation|attempts?|thoughts|behaviou?r))?",
        "safe",
        "en",
        "risk of suicide (research)",
    ),
    (
        r"\b(?:patients|participants|people|women|men|subjects|respondents|those)\s+(?:\w+\s+){0,4}(?:reported|reporting|with|had|have)\s+(?:\w+\s+){0,2}suicidal\s+(?:thoughts|ideation|feelings)",
        "safe",
        "en",
        "patients reported suicidal thoughts (research)",
    ),
    (
        r"\boverdos\w*\s+(?:risk|symptoms|levels?|threshold|cases?|toxicity|is\s+rare|is\s+unlikely)\b",
        "safe",
        "en",
        "overdose risk (factual)",
    ),
    (
        r"\bme\s+muero\s+de\s+(?:ganas|risa|hambre|sueno|frio|calor|verguenza)\b",
        "safe",
        "es",
        "me muero de ganas",
    ),
    (
        r"\b(?:prevencion|riesgo|tasas?)\s+(?:del|de)\s+suicidio\b",
        "safe",
        "es",
        "prevención del suicidio",
    ),
    (
        r"\bno\s+(?:quiero|pienso)\s+(?:matarme|suicidarme|quitarme\s+la\s+vida)\b",
        "safe",
        "es",
        "no quiero matarme",
    ),
]

# Support resources: rows with no country are shown to everyone. Content editors add
# each country's own lines in the admin; these are the ones the site starts with.
DEFAULT_RESOURCES: list[dict[str, str]] = [
    {
        "country": "",
        "name": "Emergency help",
        "description": "If you are in immediate danger, call your local emergency number "
        "(112 in Europe, 911 in North America, 999 in the UK), or go to the nearest "
        "emergency department. You do not have to go through this alone.",
        "phone": "112",
        "url": "",
    },
    {
        "country": "",
        "name": "Find a helpline near you",
        "description": "Free, confidential helplines in many countries, listed by country. "
        "You can talk to someone about how you feel, at any hour.",
        "phone": "",
        "url": "https://findahelpline.com/",
    },
    {
        "country": "GB",
        "name": "Samaritans",
        "description": "Call free, day or night, 365 days a year.",
        "phone": "116 123",
        "url": "https://www.samaritans.org/",
    },
    {
        "country": "US",
        "name": "988 Suicide & Crisis Lifeline",
        "description": "Call or text 988, any time, for free and confidential support.",
        "phone": "988",
        "url": "https://988lifeline.org/",
    },
    {
        "country": "ES",
        "name": "Línea 024 de atención a la conducta suicida",
        "description": "Llama al 024, gratis y confidencial, las 24 horas.",
        "phone": "024",
        "url": "",
    },
]

"""Real-looking labels written for these tests (not copied from any product), grouped by kind.

Each LABELS entry: (id, what the case proves, label text). Expectations live in the tests.
The same labels seed the benchmark corpus (bench/corpus/labels.txt).
"""

LABELS: dict[str, tuple[str, str]] = {
    "bland_moisturiser": (
        "a plain fragrance-free moisturiser is recommended from day 0",
        "Ingredients: Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Squalane, "
        "Glyceryl Stearate, Panthenol, Ceramide NP, Sodium Hyaluronate, Carbomer, "
        "Sodium Hydroxide, Phenoxyethanol, Ethylhexylglycerin.",
    ),
    "us_moisturiser": (
        "US names (Water, Fragrance, Mineral Oil, Vitamin E) map to EU INCI; fatty alcohols are "
        "not drying alcohol",
        "INGREDIENTS: WATER, MINERAL OIL, PETROLATUM, GLYCERIN, CETYL ALCOHOL, STEARYL ALCOHOL, "
        "DIMETHICONE, VITAMIN E, FRAGRANCE, METHYLPARABEN, PROPYLPARABEN.",
    ),
    "retinol_serum": (
        "retinol serum: avoid until day 7, resume_day 7",
        "Aqua/Water/Eau, Dimethicone, Glycerin, Retinol (0.3%), Polysorbate 20, Bisabolol, "
        "Tocopherol, Phenoxyethanol, Disodium EDTA",
    ),
    "retinyl_palmitate_cream": (
        "retinyl palmitate is a (weak) retinoid",
        "Aqua, Caprylic/Capric Triglyceride, Glycerin, Retinyl Palmitate, Cetearyl Alcohol, "
        "Ceteareth-20, Xanthan Gum, Phenoxyethanol",
    ),
    "bakuchiol_serum": (
        "bakuchiol is not a retinoid",
        "Squalane, Bakuchiol 1%, Helianthus Annuus Seed Oil, Tocopherol, Rosmarinus Officinalis "
        "Leaf Extract",
    ),
    "vitamin_c_serum": (
        "L-ascorbic acid serum: vitamin_c, avoid until day 7; ferulic acid is not an AHA",
        "Water, Ethoxydiglycol, Ascorbic Acid (15%), Glycerin, Propylene Glycol, Laureth-23, "
        "Tocopherol, Ferulic Acid, Triethanolamine, Panthenol, Sodium Hyaluronate",
    ),
    "vitamin_c_derivative": (
        "ascorbyl glucoside is vitamin C (gentler), same wait",
        "Aqua, Niacinamide, Ascorbyl Glucoside, Pentylene Glycol, Sodium Hyaluronate, "
        "Xanthan Gum, Ethoxydiglycol",
    ),
    "glycolic_toner": (
        "glycolic acid toner with witch hazel: aha + drying_alcohol",
        "Water (Aqua), Glycolic Acid, Hamamelis Virginiana (Witch Hazel) Water, Aloe Barbadensis "
        "Leaf Juice, Sodium Hydroxide, Glycerin, Fragrance (Parfum)",
    ),
    "lactic_acid_serum": (
        "lactic acid as a major ingredient is an AHA",
        "Aqua, Lactic Acid 10%, Glycerin, Propanediol, Sodium Hyaluronate, Xanthan Gum",
    ),
    "citric_ph_adjuster": (
        "citric acid near the end of a long list (pH adjuster) is not an exfoliant",
        "Aqua, Glycerin, Butylene Glycol, Niacinamide, Squalane, Cetearyl Alcohol, Panthenol, "
        "Allantoin, Sodium Hyaluronate, Carbomer, Xanthan Gum, Phenoxyethanol, "
        "Ethylhexylglycerin, Disodium EDTA, Citric Acid",
    ),
    "bha_cleanser": (
        "salicylic acid cleanser: bha and cleanser; rinse-off products have no comedogenic rating",
        "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Salicylic Acid 2%, Sodium Chloride, "
        "Glycerin, Citric Acid, Sodium Benzoate, Parfum",
    ),
    "pha_toner": (
        "gluconolactone is a PHA",
        "Aqua, Gluconolactone, Glycerin, Sodium Hydroxide, Panthenol, Allantoin",
    ),
    "bpo_wash_drug_facts": (
        "US drug-facts panel for a benzoyl peroxide wash",
        "Drug Facts\nActive ingredient Purpose\nBenzoyl peroxide 10% ........ Acne treatment\n"
        "Uses for the treatment of acne\nWarnings For external use only. When using this product "
        "avoid contact with eyes.\nDirections cover the entire affected area\n"
        "Inactive ingredients water, sodium cocoyl isethionate, glycerin, carbomer, "
        "sodium hydroxide, disodium EDTA\nQuestions? call 1-800-000-0000",
    ),
    "adapalene_drug_facts": (
        "adapalene gel drug facts: prescription retinoid, resume day 10",
        "Drug Facts Active ingredient: Adapalene 0.1% (retinoid) Purpose: Acne treatment "
        "Uses treats acne Warnings: Do not use on damaged skin. Inactive ingredients: "
        "carbomer 940, "
        "edetate disodium, methylparaben, poloxamer 182, propylene glycol, purified water, "
        "sodium hydroxide",
    ),
    "tretinoin_cream": (
        "tretinoin (absent from CosIng) comes from the drug table",
        "Active: Tretinoin 0.025%. Inactive: Stearic Acid, Isopropyl Myristate, Polyoxyl 40 "
        "Stearate, Stearyl Alcohol, Xanthan Gum, Sorbic Acid, Butylated Hydroxytoluene, Purified "
        "Water",
    ),
    "hydroquinone_cream": (
        "hydroquinone has no waiting window: caution, ask the clinic",
        "Active ingredient: Hydroquinone 2% Purpose: Skin lightener. Inactive ingredients: Water, "
        "Cetyl Alcohol, Glyceryl Stearate, Sodium Metabisulfite, Methylparaben",
    ),
    "clindamycin_gel": (
        "clindamycin phosphate is a prescription drug ingredient",
        "Clindamycin Phosphate 1.2%, Purified Water, Carbomer, Methylparaben, Polyethylene Glycol, "
        "Propylene Glycol, Sodium Hydroxide",
    ),
    "mineral_sunscreen": (
        "mineral sunscreen: avoid on day 0, recommended from day 1",
        "Active ingredients: Zinc Oxide 18.0%, Titanium Dioxide 5.0% Purpose: Sunscreen. "
        "Inactive ingredients: Water, Caprylic/Capric Triglyceride, Glycerin, "
        "Polyglyceryl-3 Polyricinoleate, Bisabolol, Allantoin, Tocopherol",
    ),
    "chemical_sunscreen_drug_facts": (
        "US chemical sunscreen: sunscreen_filter until day 7",
        "Drug Facts Active ingredients Purpose Avobenzone 3% Sunscreen Homosalate 10% Sunscreen "
        "Octisalate 5% Sunscreen Octocrylene 7% Sunscreen Uses helps prevent sunburn Warnings For "
        "external use only Inactive ingredients water, silica, glycerin, dimethicone, tocopherol, "
        "acrylates/C10-30 alkyl acrylate crosspolymer Other information protect this product from "
        "excessive heat",
    ),
    "eu_chemical_sunscreen": (
        "EU sunscreen with Annex VI filters and [nano]",
        "Aqua, Alcohol Denat., Ethylhexyl Salicylate, Butyl Methoxydibenzoylmethane, "
        "Bis-Ethylhexyloxyphenol Methoxyphenyl Triazine, Titanium Dioxide [nano], "
        "Tris-Biphenyl Triazine [nano], Glycerin, Parfum, Linalool, Limonene",
    ),
    "korean_essence": (
        "Korean-style list with 、 separators and a leading [전성분]",
        "[전성분] Water、Butylene Glycol、Glycerin、Centella Asiatica Extract、Niacinamide、"
        "Madecassoside、1,2-Hexanediol、Panthenol、Allantoin、Sodium Hyaluronate",
    ),
    "japanese_lotion": (
        "Japanese-style list with ・ separators and full-width characters",
        "成分：水・ＢＧ・グリセリン / Water・Butylene Glycol・Glycerin・Dipotassium "
        "Glycyrrhizate・Methylparaben",
    ),
    "chinese_commas": (
        "full-width commas and semicolons (，；) are separators",
        "Aqua，Glycerin，Propanediol；Niacinamide，Allantoin",
    ),
    "foundation_may_contain": (
        "makeup with a [+/- ...] colour block and OCR-damaged CI numbers",
        "Cyclopentasiloxane, Aqua, Talc, Isododecane, PEG-10 Dimethicone, Mica, "
        "Disteardimonium Hectorite, Phenoxyethanol [+/- Cl 77891, Cl 77491, Cl 77492, C.I. 77499]",
    ),
    "eyeshadow_may_contain": (
        "'May contain' block with names and CI numbers in brackets",
        "Talc, Mica, Magnesium Stearate, Dimethicone, Caprylyl Glycol. MAY CONTAIN: Iron Oxides "
        "(CI 77491, CI 77492, CI 77499), Titanium Dioxide (CI 77891), Ultramarines (CI 77007), "
        "Manganese Violet (CI 77742)",
    ),
    "lipstick_us_dyes": (
        "US dye names (Red 7 Lake) and (and)-style lists",
        "Ricinus Communis (Castor) Seed Oil, Ozokerite, Cera Alba (Beeswax), Candelilla Wax, "
        "Tocopheryl Acetate, Red 7, Yellow 5, Iron Oxides",
    ),
    "blend_and": (
        "'(and)' blends split into their ingredients",
        "Aqua, Cetearyl Alcohol (and) Ceteareth-20, Glyceryl Stearate (and) PEG-100 Stearate, "
        "Glycerin, Phenoxyethanol",
    ),
    "organic_footnotes": (
        "asterisks, footnotes and 'free from' claims are not ingredients",
        "Aloe Barbadensis Leaf Juice*, Butyrospermum Parkii (Shea) Butter*, Simmondsia Chinensis "
        "(Jojoba) Seed Oil*, Glycerin, Tocopherol. *Certified organic ingredient. "
        "Free from parabens, sulfates and mineral oil.",
    ),
    "fragrance_free_claim": (
        "'fragrance-free' and 'non-comedogenic' are claims, not fragrance",
        "Aqua, Glycerin, Squalane, Panthenol, Sodium Hyaluronate. Fragrance-free. "
        "Non-comedogenic. Dermatologically tested.",
    ),
    "essential_oil_balm": (
        "essential oils of aromatic genera flagged; rosehip fruit oil is not an essential oil",
        "Butyrospermum Parkii Butter, Rosa Canina Fruit Oil, Lavandula Angustifolia (Lavender) "
        "Oil, Melaleuca Alternifolia (Tea Tree) Leaf Oil, Citrus Limon (Lemon) Peel Oil, "
        "Tocopherol, Linalool, Limonene, Citral",
    ),
    "walnut_scrub": (
        "walnut shell powder is a physical exfoliant; silica is not",
        "Aqua, Juglans Regia (Walnut) Shell Powder, Glycerin, Cocamidopropyl Betaine, Silica, "
        "Sodium Lauroyl Sarcosinate, Parfum",
    ),
    "alcohol_toner": (
        "alcohol denat. is drying alcohol; benzyl alcohol is not",
        "Alcohol Denat., Aqua, Hamamelis Virginiana Water, Glycerin, Menthol, Benzyl Alcohol",
    ),
    "sd_alcohol_us": (
        "SD Alcohol 40-B is drying alcohol (alias of ALCOHOL DENAT.)",
        "Ingredients: SD Alcohol 40-B, Water, Witch Hazel, Glycerin, Fragrance",
    ),
    "comedogenic_oil": (
        "isopropyl myristate and coconut oil carry high comedogenic ratings (leave-on)",
        "Cocos Nucifera (Coconut) Oil, Isopropyl Myristate, Theobroma Cacao (Cocoa) Seed Butter, "
        "Tocopherol",
    ),
    "petrolatum_balm": (
        "a petrolatum balm is an occlusive base (caution in the first week)",
        "Petrolatum, Paraffinum Liquidum, Cera Microcristallina, Lanolin Alcohol, Panthenol, "
        "Glycerin, Bisabolol",
    ),
    "hyaluronic_serum": (
        "plain hyaluronic acid serum is recommended; sodium hyaluronate is not an acid",
        "Aqua, Sodium Hyaluronate, Hydrolyzed Hyaluronic Acid, Panthenol, Pentylene Glycol",
    ),
    "ocr_noisy": (
        "OCR noise: line-break hyphens, O/0 in CI numbers, typos matched fuzzily",
        "INGREDlENTS: Aqua, Glycerin, Phenoxy-\nethanol, Niacinamde, Cetearyl\nAlcohol, "
        "Dimethlcone, Tocopheryl Acetat, CI 77OO7",
    ),
    "one_per_line": (
        "one ingredient per line with bullets",
        "Ingredients\n• Aqua\n• Glycerin\n• Squalane\n• Panthenol\n• Allantoin\n• Xanthan Gum",
    ),
    "numbered_lines": (
        "numbered lines without commas",
        "1. Water\n2. Glycerin\n3. Niacinamide\n4. Zinc PCA\n5. Phenoxyethanol",
    ),
    "slash_synonyms": (
        "Aqua/Water/Eau is one ingredient; slashes inside names are kept",
        "Aqua/Water/Eau, Caprylic/Capric Triglyceride, Acrylates/C10-30 Alkyl Acrylate "
        "Crosspolymer, Titanium Dioxide/CI 77891, 1,2-Hexanediol, C12-15 Alkyl Benzoate",
    ),
    "unicode_quotes": (
        "fancy dashes, non-breaking spaces and zero-width characters",
        "Aqua,\u00a0Glycerin, PEG\u20138 Dimethicone, Ceteareth\u201120, Sodium\u200b Hyaluronate, "
        "Polysorbate\u00a020",
    ),
    "multilingual_header": (
        "bilingual header 'Ingredients/Ingrédients:' and trailing directions",
        "Ingredients/Ingrédients: Aqua, Glycerin, Panthenol, Allantoin. Directions: apply to clean "
        "skin twice daily. Made in France.",
    ),
    "enzyme_mask": (
        "papain is an exfoliating enzyme (chemical exfoliant)",
        "Kaolin, Aqua, Glycerin, Papain, Bromelain, Xanthan Gum, Phenoxyethanol",
    ),
    "fragrance_allergens_only": (
        "EU-labelled allergens without PARFUM still flag fragrance_allergen",
        "Aqua, Glycerin, Cetearyl Alcohol, Geraniol, Citronellol, Eugenol",
    ),
    "unknown_ingredient": (
        "an unknown name stays unrecognised; the verdict is at least caution",
        "Aqua, Glycerin, Zorbalex Complex, Panthenol",
    ),
    "azelaic_acid": (
        "azelaic acid is a chemical exfoliant",
        "Aqua, Azelaic Acid 10%, Cetearyl Alcohol, Glycerin, Xanthan Gum",
    ),
    "parfum_components": (
        "a bracket listing two other ingredients adds them",
        "Aqua, Glycerin, Parfum (Limonene, Linalool), Phenoxyethanol",
    ),
    "bullet_ceramide_cream": (
        "a bullet-separated US cream with three ceramides is recommended",
        "AQUA / WATER • GLYCERIN • CETEARYL ALCOHOL • CAPRYLIC/CAPRIC TRIGLYCERIDE • "
        "CETEARETH-20 • CERAMIDE NP • CERAMIDE AP • CERAMIDE EOP • CARBOMER • DIMETHICONE • "
        "BEHENTRIMONIUM METHOSULFATE • SODIUM LAUROYL LACTYLATE • SODIUM HYALURONATE • "
        "CHOLESTEROL • PHENOXYETHANOL • DISODIUM EDTA • TOCOPHEROL • PHYTOSPHINGOSINE • "
        "XANTHAN GUM • ETHYLHEXYLGLYCERIN",
    ),
    "eu_cream_fil_code": (
        "an EU cream with slash synonyms, allergens and a formula code in brackets",
        "Water/Aqua/Eau, Glycerin, Isohexadecane, Niacinamide, Isopropyl Isostearate, "
        "Butyrospermum Parkii Butter/Shea Butter, Cetyl Alcohol, Glyceryl Stearate, Caprylyl "
        "Glycol, Dimethicone, Cera Alba/Beeswax, Sodium Benzoate, Citric Acid, Parfum/Fragrance, "
        "Benzyl Alcohol, Linalool, Hexyl Cinnamal, Limonene, CI 77891/Titanium Dioxide. "
        "(F.I.L. Z70022530/1)",
    ),
    "tinted_mineral_spf": (
        "US tinted sunscreen: zinc oxide + octinoxate actives, lactic acid low in the list",
        "Active Ingredients: Zinc Oxide 9.0%, Octinoxate 7.5%. Inactive Ingredients: Water, "
        "Cyclopentasiloxane, Niacinamide, Octyldodecyl Neopentanoate, Hydroxyethyl "
        "Acrylate/Sodium Acryloyldimethyl Taurate Copolymer, Polyisobutene, Sodium Hyaluronate, "
        "Lactic Acid, Tocopheryl Acetate, Phenoxyethanol, Triethoxycaprylylsilane, Citric Acid, "
        "Iron Oxides.",
    ),
    "slash_separated_list": (
        "a list separated by spaced slashes is a list, not one synonym",
        "WATER / BUTYLENE GLYCOL / GLYCERIN / NIACINAMIDE / PANTHENOL",
    ),
    # --- Prescription and OTC drug labels: the shapes pharmacies print (issue 16) -----------
    "rx_tretinoin_cream_base": (
        "a strength after the name, then 'in a cream base of' and the vehicle",
        "Tretinoin 0.025% in a cream base of Stearic Acid, Isopropyl Myristate, Purified Water",
    ),
    "rx_tretinoin_inactive_only": (
        "the active without a heading, then 'Inactive ingredients:'",
        "Tretinoin 0.05%. Inactive ingredients: Water, Stearic Acid, Stearyl Alcohol",
    ),
    "rx_tretinoin_gel_usp": (
        "a USP dosage-form name with w/w strength and a gel base",
        "Tretinoin Gel USP, 0.01% w/w in a hydrophilic gel base consisting of Butylated "
        "Hydroxytoluene, Hydroxypropyl Cellulose, Alcohol (90% w/w).",
    ),
    "rx_adapalene_each_gram": (
        "'each gram contains', a mg strength and a percent in brackets",
        "Each gram contains 1 mg adapalene (0.1% w/w) in an aqueous gel base of Carbomer 940, "
        "Edetate Disodium, Methylparaben, Poloxamer 182, Propylene Glycol, Purified Water and "
        "Sodium Hydroxide.",
    ),
    "rx_adapalene_strength_first": (
        "the strength before the name, purpose words, then the inactive list",
        "Active ingredient: 0.1% Adapalene (retinoid) Purpose: Acne treatment\n"
        "Inactive ingredients: carbomer 940, edetate disodium, methylparaben, poloxamer 182, "
        "propylene glycol, purified water, sodium hydroxide",
    ),
    "rx_tazarotene_dosage_form": (
        "a dosage form after the drug name and a bare 'Inactive:' heading",
        "Tazarotene Cream 0.1%\nInactive: benzyl alcohol, carbomer 934P, edetate disodium, "
        "medium chain triglycerides, mineral oil, purified water, sodium thiosulfate, sorbitan "
        "monooleate",
    ),
    "rx_hydroquinone_usp": (
        "a pharmacopoeia suffix, w/w and 'in a vanishing cream base:'",
        "Hydroquinone USP 4% w/w in a vanishing cream base: Purified Water, Cetyl Alcohol, "
        "Stearyl Alcohol, Glyceryl Stearate, Sodium Lauryl Sulfate, Sodium Metabisulfite, "
        "Propylene Glycol, Methylparaben, Propylparaben",
    ),
    "rx_clindamycin_equivalent": (
        "'equivalent to' between a salt and the base drug, mg/g strength",
        "Each gram contains clindamycin phosphate USP equivalent to 10 mg/g clindamycin. "
        "Also contains: Allantoin, Carbomer 934P, Methylparaben, Polyethylene Glycol 400, "
        "Propylene Glycol, Sodium Hydroxide, Purified Water.",
    ),
    "rx_azelaic_contains": (
        "'Contains:' and 'Also contains:' headings with a BP suffix",
        "Contains: Azelaic acid BP 15% w/w. Also contains: Benzoic acid, Lecithin, Polysorbate "
        "80, Propylene glycol, Purified water.",
    ),
    "otc_canada_medicinal": (
        "a Canadian label: 'Medicinal ingredient' and 'Non-medicinal ingredients'",
        "Medicinal ingredient: Benzoyl Peroxide 5%\nNon-medicinal ingredients: Water, "
        "Carbomer, Glycerin, Sodium Hydroxide, Disodium EDTA",
    ),
    "otc_salicylic_drug_facts": (
        "a full drug facts panel with uses, warnings and directions between the sections",
        "Drug Facts\nActive ingredient                Purpose\nSalicylic acid 2% .......... "
        "Acne medication\nUses • for the treatment of acne\nWarnings\nFor external use only\n"
        "When using this product skin irritation and dryness is more likely if you use another "
        "topical acne medication at the same time.\nDirections • cleanse the skin thoroughly "
        "before applying\nOther information • store at room temperature\nInactive ingredients "
        "water, alcohol denat., glycerin, polysorbate 20, sodium hydroxide\nQuestions? "
        "1-800-000-0000",
    ),
    "otc_hydrocortisone_percent_first": (
        "the strength before the name without a heading; an 'Uses:' section after it",
        "1% Hydrocortisone. Uses: temporarily relieves itching. Inactive ingredients: "
        "Cetearyl Alcohol, Glycerin, Petrolatum, Water",
    ),
    "html_copy": (
        "a list copied from a web page with tags and entities",
        "<p><strong>Ingredients:</strong> Aqua, Glycerin<br/>Panthenol &amp; Allantoin</p>",
    ),
}

/** Reference data written by the seeds: countries (ISO 3166-1) and regions (ISO 3166-2 codes). */

/** [ISO-2, ISO-3, name, phone code] — every EU member, then the main others. */
export const COUNTRIES: Array<[string, string, string, string]> = [
  ['AT', 'AUT', 'Autriche', '+43'], ['BE', 'BEL', 'Belgique', '+32'], ['BG', 'BGR', 'Bulgarie', '+359'],
  ['HR', 'HRV', 'Croatie', '+385'], ['CY', 'CYP', 'Chypre', '+357'], ['CZ', 'CZE', 'Tchéquie', '+420'],
  ['DK', 'DNK', 'Danemark', '+45'], ['EE', 'EST', 'Estonie', '+372'], ['FI', 'FIN', 'Finlande', '+358'],
  ['FR', 'FRA', 'France', '+33'], ['DE', 'DEU', 'Allemagne', '+49'], ['GR', 'GRC', 'Grèce', '+30'],
  ['HU', 'HUN', 'Hongrie', '+36'], ['IE', 'IRL', 'Irlande', '+353'], ['IT', 'ITA', 'Italie', '+39'],
  ['LV', 'LVA', 'Lettonie', '+371'], ['LT', 'LTU', 'Lituanie', '+370'], ['LU', 'LUX', 'Luxembourg', '+352'],
  ['MT', 'MLT', 'Malte', '+356'], ['NL', 'NLD', 'Pays-Bas', '+31'], ['PL', 'POL', 'Pologne', '+48'],
  ['PT', 'PRT', 'Portugal', '+351'], ['RO', 'ROU', 'Roumanie', '+40'], ['SK', 'SVK', 'Slovaquie', '+421'],
  ['SI', 'SVN', 'Slovénie', '+386'], ['ES', 'ESP', 'Espagne', '+34'], ['SE', 'SWE', 'Suède', '+46'],
  ['GB', 'GBR', 'Royaume-Uni', '+44'], ['CH', 'CHE', 'Suisse', '+41'], ['NO', 'NOR', 'Norvège', '+47'],
  ['IS', 'ISL', 'Islande', '+354'], ['LI', 'LIE', 'Liechtenstein', '+423'], ['MC', 'MCO', 'Monaco', '+377'],
  ['AD', 'AND', 'Andorre', '+376'], ['RS', 'SRB', 'Serbie', '+381'], ['UA', 'UKR', 'Ukraine', '+380'],
  ['TR', 'TUR', 'Turquie', '+90'], ['US', 'USA', 'États-Unis', '+1'], ['CA', 'CAN', 'Canada', '+1'],
  ['MX', 'MEX', 'Mexique', '+52'], ['BR', 'BRA', 'Brésil', '+55'], ['AR', 'ARG', 'Argentine', '+54'],
  ['MA', 'MAR', 'Maroc', '+212'], ['DZ', 'DZA', 'Algérie', '+213'], ['TN', 'TUN', 'Tunisie', '+216'],
  ['SN', 'SEN', 'Sénégal', '+221'], ['CI', 'CIV', "Côte d'Ivoire", '+225'], ['ZA', 'ZAF', 'Afrique du Sud', '+27'],
  ['AE', 'ARE', 'Émirats arabes unis', '+971'], ['IL', 'ISR', 'Israël', '+972'], ['IN', 'IND', 'Inde', '+91'],
  ['CN', 'CHN', 'Chine', '+86'], ['JP', 'JPN', 'Japon', '+81'], ['KR', 'KOR', 'Corée du Sud', '+82'],
  ['SG', 'SGP', 'Singapour', '+65'], ['AU', 'AUS', 'Australie', '+61'], ['NZ', 'NZL', 'Nouvelle-Zélande', '+64'],
];

/** Regions by country code: [code, name]. */
export const REGIONS: Record<string, Array<[string, string]>> = {
  FR: [
    ['ARA', 'Auvergne-Rhône-Alpes'], ['BFC', 'Bourgogne-Franche-Comté'], ['BRE', 'Bretagne'], ['CVL', 'Centre-Val de Loire'],
    ['20R', 'Corse'], ['GES', 'Grand Est'], ['HDF', 'Hauts-de-France'], ['IDF', 'Île-de-France'], ['NOR', 'Normandie'],
    ['NAQ', 'Nouvelle-Aquitaine'], ['OCC', 'Occitanie'], ['PDL', 'Pays de la Loire'], ['PAC', "Provence-Alpes-Côte d'Azur"],
    ['971', 'Guadeloupe'], ['972', 'Martinique'], ['973', 'Guyane'], ['974', 'La Réunion'], ['976', 'Mayotte'],
  ],
  DE: [
    ['BW', 'Baden-Württemberg'], ['BY', 'Bayern'], ['BE', 'Berlin'], ['BB', 'Brandenburg'], ['HB', 'Bremen'], ['HH', 'Hamburg'],
    ['HE', 'Hessen'], ['MV', 'Mecklenburg-Vorpommern'], ['NI', 'Niedersachsen'], ['NW', 'Nordrhein-Westfalen'],
    ['RP', 'Rheinland-Pfalz'], ['SL', 'Saarland'], ['SN', 'Sachsen'], ['ST', 'Sachsen-Anhalt'], ['SH', 'Schleswig-Holstein'], ['TH', 'Thüringen'],
  ],
  BE: [['BRU', 'Bruxelles-Capitale'], ['VLG', 'Vlaanderen'], ['WAL', 'Wallonie']],
  ES: [
    ['AN', 'Andalucía'], ['AR', 'Aragón'], ['AS', 'Asturias'], ['IB', 'Illes Balears'], ['CN', 'Canarias'], ['CB', 'Cantabria'],
    ['CL', 'Castilla y León'], ['CM', 'Castilla-La Mancha'], ['CT', 'Catalunya'], ['EX', 'Extremadura'], ['GA', 'Galicia'],
    ['RI', 'La Rioja'], ['MD', 'Madrid'], ['MC', 'Murcia'], ['NC', 'Navarra'], ['PV', 'País Vasco'], ['VC', 'Comunitat Valenciana'],
    ['CE', 'Ceuta'], ['ML', 'Melilla'],
  ],
  IT: [
    ['65', 'Abruzzo'], ['77', 'Basilicata'], ['78', 'Calabria'], ['72', 'Campania'], ['45', 'Emilia-Romagna'],
    ['36', 'Friuli-Venezia Giulia'], ['62', 'Lazio'], ['42', 'Liguria'], ['25', 'Lombardia'], ['57', 'Marche'], ['67', 'Molise'],
    ['21', 'Piemonte'], ['75', 'Puglia'], ['88', 'Sardegna'], ['82', 'Sicilia'], ['52', 'Toscana'], ['32', 'Trentino-Alto Adige'],
    ['55', 'Umbria'], ['23', "Valle d'Aosta"], ['34', 'Veneto'],
  ],
  CH: [['GE', 'Genève'], ['VD', 'Vaud'], ['VS', 'Valais'], ['NE', 'Neuchâtel'], ['FR', 'Fribourg'], ['BE', 'Bern'], ['ZH', 'Zürich'], ['BS', 'Basel-Stadt'], ['TI', 'Ticino']],
  GB: [['ENG', 'England'], ['SCT', 'Scotland'], ['WLS', 'Wales'], ['NIR', 'Northern Ireland']],
  US: [
    ['CA', 'California'], ['FL', 'Florida'], ['IL', 'Illinois'], ['MA', 'Massachusetts'], ['NY', 'New York'], ['PA', 'Pennsylvania'],
    ['TX', 'Texas'], ['WA', 'Washington'], ['DC', 'District of Columbia'],
  ],
  CA: [['QC', 'Québec'], ['ON', 'Ontario'], ['BC', 'British Columbia'], ['AB', 'Alberta'], ['NB', 'New Brunswick']],
};

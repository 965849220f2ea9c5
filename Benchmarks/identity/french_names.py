"""Small embedded French lists for the synthetic identity generator (written for Passerelle).

Frequencies are rough ranks, not statistics: common names come first and are drawn more often.
Communes are (INSEE COG code, postcode, city). All identities generated from these lists are
invented.
"""

FAMILY_NAMES = """MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFEBVRE
LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MULLER
LEFEVRE FAURE ANDRE MERCIER BLANC GUERIN BOYER GARNIER CHEVALIER FRANCOIS LEGRAND GAUTHIER GARCIA
PERRIN ROBIN CLEMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT
MARIE LEMAIRE NOEL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIERE LUCAS BRUNET GAILLARD
BARBIER ARNAUD MARTINEZ GERARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE
AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOIT REY LECLERC PAYET
ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS
MOULIN DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET ADAM POIRIER MARTY AUBRY
GUYOT CARRE CHARLES RENAULT CHARPENTIER MENARD MAILLARD BARON BERTIN BAILLY HERVE SCHNEIDER
FERNANDEZ COLLET LEGER BOUVIER JULIEN PREVOST MILLET PERROT DANIEL COUSIN GERMAIN BRETON BESSON
LANGLOIS REMY PELLETIER LEVEQUE PERRIER LEBLANC BARRE LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER
JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ETIENNE GRONDIN POULAIN TESSIER CHAUVIN BOUCHET
LEMAITRE BENARD MARECHAL HUMBERT REYNAUD ANTOINE HOARAU PERRET BARTHELEMY CORDIER PICHON LEJEUNE
GILBERT LAMY DELAUNAY PASQUIER CARLIER LAPORTE""".split() + [
    "LE GALL", "LE ROUX", "LE GOFF", "LE BIHAN", "DA SILVA", "DE LA FONTAINE", "DE SAINT-EXUPÉRY",
    "N'DIAYE", "D'ALMEIDA", "SAINT-MARTIN", "DELACROIX", "HÉBERT", "LÉVÊQUE", "MÉNARD", "BÉRANGER",
    "CŒURDEROY", "LŒUILLET", "GRÉGOIRE", "FRÉMONT", "THÉVENIN", "CHÂTELAIN", "BOËL", "NOËL-DUPRÉ",
]

FEMALE_NAMES = """Marie Nathalie Isabelle Sylvie Catherine Françoise Christine Monique Valérie Sandrine Martine
Nicole Stéphanie Céline Sophie Véronique Chantal Julie Aurélie Émilie Camille Léa Manon Chloé Inès Zoé
Jade Louise Lina Élodie Hélène Noémie Maëlle Anaïs Cécile Amélie Gaëlle Geneviève Thérèse Joséphine
Lætitia Agnès Brigitte Odile Mélanie Laure Clémence Juliette Margaux Océane Pauline Justine Léna Emma
Alice Rose Anna Mia Ambre Romane""".split() + ["Marie-Anne", "Marie-Claire", "Anne-Sophie", "Marie-Christine", "Marie-Hélène"]

MALE_NAMES = """Jean Pierre Michel Philippe Alain Stéphane François Frédéric Jérôme Sébastien Nicolas Thomas
Lucas Louis Hugo Théo Noé Léo Gabriel Raphaël Mathéo Maël Joël Noël Hervé René André Benoît Grégoire
Loïc Gaël Thierry Éric Cédric Jérémy Anthony Kévin Mickaël Patrick Bernard Christophe Laurent Olivier
Julien David Vincent Guillaume Antoine Maxime Arthur Jules Paul Adam Nathan Enzo Clément Baptiste
Romain""".split() + ["Jean-Pierre", "Jean-Claude", "Jean-Michel", "Jean-Luc", "Pierre-Yves", "Jean-Christophe"]

COMMUNES = [
    ("75056", "75011", "Paris"), ("75056", "75015", "Paris"), ("75056", "75018", "Paris"),
    ("13055", "13008", "Marseille"), ("69123", "69003", "Lyon"), ("31555", "31000", "Toulouse"),
    ("06088", "06000", "Nice"), ("44109", "44000", "Nantes"), ("67482", "67000", "Strasbourg"),
    ("34172", "34000", "Montpellier"), ("33063", "33000", "Bordeaux"), ("59350", "59000", "Lille"),
    ("35238", "35000", "Rennes"), ("51454", "51100", "Reims"), ("2A004", "20000", "Ajaccio"),
    ("2B033", "20200", "Bastia"), ("97411", "97400", "Saint-Denis"), ("97209", "97200", "Fort-de-France"),
    ("29019", "29200", "Brest"), ("37261", "37000", "Tours"), ("63113", "63000", "Clermont-Ferrand"),
    ("21231", "21000", "Dijon"), ("49007", "49000", "Angers"), ("76540", "76000", "Rouen"),
    ("38185", "38000", "Grenoble"), ("87085", "87000", "Limoges"), ("80021", "80000", "Amiens"),
    ("57463", "57000", "Metz"), ("25056", "25000", "Besançon"), ("66136", "66000", "Perpignan"),
    ("64445", "64000", "Pau"), ("72181", "72000", "Le Mans"), ("45234", "45000", "Orléans"),
    ("14118", "14000", "Caen"), ("86194", "86000", "Poitiers"), ("54395", "54000", "Nancy"),
]

# People born abroad carry a country code (99 + 3 digits) as birthplace.
FOREIGN_BIRTHPLACES = ["99350", "99352", "99139", "99109", "99134", "99127"]

STREETS = [
    "rue de la Paix", "avenue Jean Jaurès", "boulevard Victor Hugo", "place de l'Église", "rue des Lilas",
    "chemin des Vignes", "impasse du Moulin", "allée des Tilleuls", "rue Pasteur", "rue de la République",
    "rue Saint-Michel", "avenue de la Gare", "rue du Général de Gaulle", "rue des Écoles", "quai des Chartrons",
    "rue Nationale", "rue du Château", "place du Marché", "rue de Verdun", "avenue Foch", "rue Émile Zola",
    "rue des Frères Lumière", "cours Mirabeau", "rue de l'Hôtel de Ville", "route de Bretagne",
]

SOURCES = ["1.2.250.1.71.4.2.2.1750803447", "1.2.250.1.71.4.2.2.1690000015", "1.2.250.1.71.4.2.2.1130786049",
           "1.2.250.1.71.4.2.2.1330781360", "LGC-CABINET-DUPUIS", "LGC-MSP-NORD", "LABO-BIO-SUD"]

"""seed the indicator catalogue

Thirty measurable city indicators, five per dimension of the master plan, each
with its name in Indonesian and English, unit, direction and, where one exists,
the matching international indicator: ISO 37122:2019 (smart cities), ISO
37120:2018 (sustainable cities) or an ITU U4SSC KPI (cited by its name, and by
its number where the U4SSC verification manual gives it).

Revision ID: 5d3c1e7a9b20
Revises: 0bbf146c940f
Create Date: 2026-11-30 09:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '5d3c1e7a9b20'
down_revision = '0bbf146c940f'
branch_labels = None
depends_on = None

# (code, name_id, name_en, unit, direction, dimension, reference)
INDICATORS = [
    # governance
    ("online_services_share", "Persentase layanan publik yang dapat diajukan secara daring",
     "Share of city services that can be requested online", "percent", "increase", "governance",
     "ISO 37122:2019 (governance): percentage of city services accessible and that can be requested online; U4SSC KPI 'e-Government'"),
    ("business_permit_days", "Rata-rata hari penerbitan izin usaha",
     "Average days to issue a business permit", "days", "decrease", "governance",
     "U4SSC KPI 'e-Government' (services delivered online); no ISO 37122 equivalent"),
    ("complaint_response_days", "Rata-rata waktu tanggapan pengaduan warga",
     "Average response time to citizens' non-emergency inquiries", "days", "decrease", "governance",
     "ISO 37122:2019 (governance): average response time to inquiries made through the city's non-emergency inquiry system"),
    ("open_datasets", "Jumlah set data terbuka yang diterbitkan pemerintah daerah",
     "Open datasets published by the local government", "count", "increase", "governance",
     "U4SSC KPI 'Open Data'; ISO 37122:2019 (governance): visits to the municipal open data portal"),
    ("e_procurement_share", "Persentase pengadaan barang/jasa melalui e-procurement",
     "Share of public procurement run electronically", "percent", "increase", "governance",
     "U4SSC KPI 'e-Procurement'"),
    # branding
    ("tourist_arrivals", "Jumlah kunjungan wisatawan per tahun",
     "Tourist arrivals per year", "count", "increase", "branding",
     "U4SSC KPI 'Tourism Intensity' (society and culture: culture)"),
    ("online_tourism_listings", "Jumlah destinasi wisata dengan informasi dan tiket daring",
     "Tourist destinations with online information and ticketing", "count", "increase", "branding", None),
    ("msme_online_share", "Persentase UMKM yang berjualan secara daring",
     "Share of small and medium enterprises selling online", "percent", "increase", "branding",
     "U4SSC KPI 'Small and Medium-Sized Enterprises' (economy: productivity)"),
    ("public_space_wifi_points", "Jumlah titik Wi-Fi publik di ruang terbuka",
     "Public Wi-Fi access points in public spaces", "count", "increase", "branding",
     "U4SSC KPI 'Availability of WIFI in Public Areas'"),
    ("city_cleanliness_score", "Skor kebersihan dan keindahan kota (Adipura)",
     "City cleanliness and appearance score (Adipura)", "index", "increase", "branding", None),
    # economy
    ("new_businesses_per_100k", "Jumlah usaha baru per 100.000 penduduk",
     "New businesses per 100,000 population", "per_100k", "increase", "economy",
     "ISO 37122:2019 (economy): survival rate of new businesses per 100 000 population; ISO 37120:2018 5.5"),
    ("unemployment_rate", "Tingkat pengangguran terbuka",
     "Unemployment rate", "percent", "decrease", "economy",
     "ISO 37120:2018 5.3 city's unemployment rate; U4SSC KPI 'Unemployment Rate' (economy: employment)"),
    ("non_cash_transactions_share", "Persentase transaksi pendapatan daerah non-tunai",
     "Share of local revenue collected without cash", "percent", "increase", "economy",
     "U4SSC KPI 'e-Government' (payments); no ISO 37122 equivalent"),
    ("ict_sector_employment_share", "Persentase tenaga kerja di sektor TIK",
     "Share of the labour force employed in the ICT sector", "percent", "increase", "economy",
     "ISO 37122:2019 (economy): percentage of the labour force employed in the ICT sector; U4SSC KPI 'ICT Sector Employment'"),
    ("poverty_rate", "Persentase penduduk miskin",
     "Share of the population below the poverty line", "percent", "decrease", "economy",
     "ISO 37120:2018 13 (population and social conditions): percentage of city population living in poverty"),
    # living
    ("piped_water_households_share", "Persentase rumah tangga dengan air perpipaan",
     "Share of households with piped water", "percent", "increase", "living",
     "ISO 37120:2018 23 (water): percentage of city population with potable water supply service; U4SSC KPI 'Basic Water Supply'"),
    ("online_health_records_share", "Persentase penduduk dengan rekam medis elektronik",
     "Share of the population with an electronic health record", "percent", "increase", "living",
     "ISO 37122:2019 (health): percentage of the city population with an online unified health file; U4SSC KPI 'Electronic Health Records'"),
    ("emergency_response_minutes", "Rata-rata waktu tanggap layanan darurat 112",
     "Average response time of the 112 emergency service", "minutes", "decrease", "living",
     "ISO 37120:2018 15 (safety): response time for emergency services; U4SSC KPI 'Emergency Service Response Time'"),
    ("realtime_transit_lines_share", "Persentase trayek angkutan umum dengan informasi waktu nyata",
     "Share of public transport lines with real-time information", "percent", "increase", "living",
     "ISO 37122:2019 (transportation): percentage of public transport lines equipped with a publicly accessible real-time system; U4SSC KPI 'Dynamic Public Transport Information'"),
    ("traffic_monitored_roads_share", "Persentase ruas jalan utama yang dipantau lalu lintasnya",
     "Share of main roads with traffic monitoring", "percent", "increase", "living",
     "ISO 37122:2019 (transportation): percentage of city streets covered by real-time online traffic alerts; U4SSC KPI 'Traffic Monitoring'"),
    # society
    ("household_internet_share", "Persentase rumah tangga dengan akses internet",
     "Share of households with Internet access", "percent", "increase", "society",
     "U4SSC KPI 'Household Internet Access' (EC: ICT: ICT: 1C)"),
    ("digital_literacy_trained", "Jumlah warga yang mengikuti pelatihan literasi digital",
     "Residents trained in digital literacy", "count", "increase", "society", None),
    ("school_ict_access_share", "Persentase sekolah dengan akses TIK untuk siswa",
     "Share of schools with ICT access for students", "percent", "increase", "society",
     "ISO 37122:2019 (education): digital learning devices available per 1 000 students; U4SSC KPI 'Student ICT Access'"),
    ("cctv_coverage_share", "Persentase wilayah kota yang terpantau CCTV",
     "Share of the city area covered by surveillance cameras", "percent", "increase", "society",
     "ISO 37122:2019 (safety): percentage of city area covered by digital surveillance cameras"),
    ("crime_rate_per_100k", "Jumlah tindak kejahatan per 100.000 penduduk",
     "Crimes per 100,000 population", "per_100k", "decrease", "society",
     "ISO 37120:2018 15 (safety): number of violent crimes per 100 000 population; U4SSC KPI 'Violent Crime Rate'"),
    # environment
    ("waste_collected_share", "Persentase sampah yang terkelola",
     "Share of solid waste collected and managed", "percent", "increase", "environment",
     "ISO 37120:2018 16 (solid waste): percentage of population with regular solid waste collection; U4SSC KPI 'Solid Waste Collection'"),
    ("waste_recycled_share", "Persentase sampah yang didaur ulang",
     "Share of solid waste recycled", "percent", "increase", "environment",
     "ISO 37120:2018 16 (solid waste): percentage of the city's solid waste that is recycled"),
    ("air_quality_good_days_share", "Persentase hari dengan kualitas udara baik",
     "Share of days with good air quality", "percent", "increase", "environment",
     "U4SSC KPI 'Air Pollution'; ISO 37120:2018 8 (environment): fine particulate matter concentration"),
    ("renewable_energy_share", "Persentase energi terbarukan dalam konsumsi listrik",
     "Share of electricity consumption from renewable sources", "percent", "increase", "environment",
     "ISO 37120:2018 7 (energy): percentage of total energy derived from renewable sources; U4SSC KPI 'Renewable Energy Consumption'"),
    ("flood_early_warning_points", "Jumlah titik sensor peringatan dini banjir",
     "Flood early-warning sensor points", "count", "increase", "environment",
     "U4SSC KPI 'Drainage System Management' (ICT monitoring); ISO 37122:2019 (environment and climate change)"),
    ("green_open_space_share", "Persentase ruang terbuka hijau publik",
     "Share of the city area that is public green open space", "percent", "increase", "environment",
     "U4SSC KPI 'Green Areas'; ISO 37120:2018 14 (recreation)"),
]

COLUMNS = ("code", "name_id", "name_en", "unit", "direction", "dimension", "reference")


def upgrade() -> None:
    table = sa.table("indicators", *(sa.column(c) for c in COLUMNS), schema="monitoring")
    op.bulk_insert(table, [dict(zip(COLUMNS, row)) for row in INDICATORS])


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM monitoring.indicators WHERE code = ANY(:codes)").bindparams(
            codes=[row[0] for row in INDICATORS]
        )
    )
